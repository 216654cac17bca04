"""Known mistakes for nnx-surgery-truncate, each with the entry point's signature."""

import jax
from flax import nnx


class _MLP(nnx.Module):
    def __init__(self, in_features, num_layers, features, *, seed, rngs_per_layer=False):
        sizes = [in_features] + [features] * num_layers
        shared = nnx.Rngs(seed)
        init = nnx.initializers.variance_scaling(1.0 / num_layers, "fan_in", "truncated_normal")
        self.layers = nnx.List([
            nnx.Linear(sizes[i], sizes[i + 1], kernel_init=init,
                       rngs=nnx.Rngs(seed) if rngs_per_layer else shared)
            for i in range(num_layers)
        ])

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def _model(seed, x, num_layers, features, **kw):
    return _MLP(x.shape[-1], int(num_layers), int(features), seed=int(seed), **kw)


def _count(model):
    return sum(a.size for a in jax.tree.leaves(nnx.state(model)))


def keep_one_more(seed, x, num_layers, keep, features):
    model = _model(seed, x, num_layers, features)
    model.layers = nnx.List(model.layers[: int(keep) + 1])
    return model(x), _count(model)


def keep_one_fewer(seed, x, num_layers, keep, features):
    model = _model(seed, x, num_layers, features)
    model.layers = nnx.List(model.layers[: int(keep) - 1])
    return model(x), _count(model)


def last_layers_kept(seed, x, num_layers, keep, features):
    # layers[-k:] keeps the end of the network (and breaks when in_features != features).
    model = _model(seed, x, num_layers, features)
    model.layers = nnx.List(model.layers[-int(keep):])
    return model(x), _count(model)


def model_left_whole(seed, x, num_layers, keep, features):
    # Runs the first k layers by hand; the model still holds them all.
    model = _model(seed, x, num_layers, features)
    h = x
    for layer in model.layers[: int(keep)]:
        h = layer(h)
    return h, _count(model)


def rngs_per_layer(seed, x, num_layers, keep, features):
    model = _model(seed, x, num_layers, features, rngs_per_layer=True)
    model.layers = nnx.List(model.layers[: int(keep)])
    return model(x), _count(model)


def counts_arrays(seed, x, num_layers, keep, features):
    model = _model(seed, x, num_layers, features)
    model.layers = nnx.List(model.layers[: int(keep)])
    return model(x), len(jax.tree.leaves(nnx.state(model)))


def fresh_small_model(seed, x, num_layers, keep, features):
    # Builds a new keep-layer model instead of cutting the original: same keys, but its
    # kernels are scaled for a shallower stack.
    model = _model(seed, x, keep, features)
    return model(x), _count(model)


def not_truncated(seed, x, num_layers, keep, features):
    """Never cuts the model: the whole MLP's output and state."""
    model = _model(seed, x, num_layers, features)
    return model(x), _count(model)
