"""Known mistakes for nnx-surgery-swap-head, each with the entry point's signature."""

import jax
from flax import nnx


class _MLP(nnx.Module):
    def __init__(self, in_features, num_layers, features, *, rngs):
        sizes = [in_features] + [features] * num_layers
        init = nnx.initializers.variance_scaling(1.0 / num_layers, "fan_in", "truncated_normal")
        self.layers = nnx.List(
            [nnx.Linear(sizes[i], sizes[i + 1], kernel_init=init, rngs=rngs) for i in range(num_layers)]
        )

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def _out(model, x):
    return {"logits": model(x), "num_params": sum(a.size for a in jax.tree.leaves(nnx.state(model)))}


def _head(model, num_outputs, rngs):
    return nnx.Linear(model.layers[-1].in_features, int(num_outputs), rngs=rngs)


def head_appended(seed, x, num_layers, features, num_outputs, head_seed):
    # The old head stays and the new one is added after it.
    model = _MLP(x.shape[-1], int(num_layers), int(features), rngs=nnx.Rngs(int(seed)))
    model.layers.append(nnx.Linear(int(features), int(num_outputs), rngs=nnx.Rngs(int(head_seed))))
    return _out(model, x)


def head_from_body_rngs(seed, x, num_layers, features, num_outputs, head_seed):
    # The head draws from the body's Rngs (the next keys of the stream), not nnx.Rngs(head_seed).
    rngs = nnx.Rngs(int(seed))
    model = _MLP(x.shape[-1], int(num_layers), int(features), rngs=rngs)
    model.layers[-1] = _head(model, num_outputs, rngs)
    return _out(model, x)


def head_seeded_with_seed(seed, x, num_layers, features, num_outputs, head_seed):
    model = _MLP(x.shape[-1], int(num_layers), int(features), rngs=nnx.Rngs(int(seed)))
    model.layers[-1] = _head(model, num_outputs, nnx.Rngs(int(seed)))
    return _out(model, x)


def fresh_shallow_body(seed, x, num_layers, features, num_outputs, head_seed):
    # A new MLP of num_layers - 1 layers plus the head: its kernels are scaled for that depth.
    n = int(num_layers)
    if n == 1:
        model = _MLP(x.shape[-1], 1, int(num_outputs), rngs=nnx.Rngs(int(head_seed)))
        return _out(model, x)
    body = _MLP(x.shape[-1], n - 1, int(features), rngs=nnx.Rngs(int(seed)))
    body.layers.append(nnx.Linear(int(features), int(num_outputs), rngs=nnx.Rngs(int(head_seed))))
    return _out(body, x)


def old_head_left_in_state(seed, x, num_layers, features, num_outputs, head_seed):
    # Runs the body and a separate head by hand; the model still holds the old head.
    model = _MLP(x.shape[-1], int(num_layers), int(features), rngs=nnx.Rngs(int(seed)))
    head = _head(model, num_outputs, nnx.Rngs(int(head_seed)))
    h = x
    for layer in model.layers[:-1]:
        h = layer(h)
    n = sum(a.size for a in jax.tree.leaves(nnx.state(model)))
    return {"logits": head(h), "num_params": n}


def counts_arrays(seed, x, num_layers, features, num_outputs, head_seed):
    model = _MLP(x.shape[-1], int(num_layers), int(features), rngs=nnx.Rngs(int(seed)))
    model.layers[-1] = _head(model, num_outputs, nnx.Rngs(int(head_seed)))
    return {"logits": model(x), "num_params": len(jax.tree.leaves(nnx.state(model)))}


def head_not_swapped(seed, x, num_layers, features, num_outputs, head_seed):
    """The model as built: the old head is still the last layer."""
    model = _MLP(x.shape[-1], int(num_layers), int(features), rngs=nnx.Rngs(int(seed)))
    return _out(model, x)
