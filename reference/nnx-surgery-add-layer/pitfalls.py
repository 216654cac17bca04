"""Known mistakes for nnx-surgery-add-layer, each with the entry point's signature."""

import jax
from flax import nnx


class _MLP(nnx.Module):
    def __init__(self, in_features, num_layers, features, rngs, activation=None):
        self.layers = nnx.List(
            [
                nnx.Linear(in_features if i == 0 else features, features, rngs=rngs)
                for i in range(num_layers)
            ]
        )
        self.use_relu = activation == "relu"

    def __call__(self, x):
        n = len(self.layers)
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if self.use_relu and i < n - 1:
                x = jax.nn.relu(x)
        return x


def _ints(seed, num_old_layers, num_extra_layers, features):
    return int(seed), int(num_old_layers), int(num_extra_layers), int(features)


def _copy(small, big, indices):
    for i in indices:
        big.layers[i].kernel[...] = small.layers[i].kernel[...]
        big.layers[i].bias[...] = small.layers[i].bias[...]


def same_seed(seed, x, num_old_layers, num_extra_layers, features):
    """Both models built from nnx.Rngs(seed): the tail gets the small seed's init."""
    s, n_old, n_extra, f = _ints(seed, num_old_layers, num_extra_layers, features)
    d = x.shape[-1]
    small = _MLP(d, n_old, f, nnx.Rngs(s))
    big = _MLP(d, n_old + n_extra, f, nnx.Rngs(s))
    _copy(small, big, range(n_old))
    return big(x)


def shared_rngs(seed, x, num_old_layers, num_extra_layers, features):
    """One nnx.Rngs object reused for both models: big draws the keys after small's."""
    s, n_old, n_extra, f = _ints(seed, num_old_layers, num_extra_layers, features)
    d = x.shape[-1]
    rngs = nnx.Rngs(s)
    small = _MLP(d, n_old, f, rngs)
    big = _MLP(d, n_old + n_extra, f, rngs)
    _copy(small, big, range(n_old))
    return big(x)


def swapped_seeds(seed, x, num_old_layers, num_extra_layers, features):
    """small gets seed + 1000 and big gets seed."""
    s, n_old, n_extra, f = _ints(seed, num_old_layers, num_extra_layers, features)
    d = x.shape[-1]
    small = _MLP(d, n_old, f, nnx.Rngs(s + 1000))
    big = _MLP(d, n_old + n_extra, f, nnx.Rngs(s))
    _copy(small, big, range(n_old))
    return big(x)


def no_copy(seed, x, num_old_layers, num_extra_layers, features):
    """The copy never happens (or only the all-zero biases are copied)."""
    s, n_old, n_extra, f = _ints(seed, num_old_layers, num_extra_layers, features)
    d = x.shape[-1]
    big = _MLP(d, n_old + n_extra, f, nnx.Rngs(s + 1000))
    return big(x)


def copy_kernel_only(seed, x, num_old_layers, num_extra_layers, features):
    """Only the kernels are copied; biases keep big's init."""
    s, n_old, n_extra, f = _ints(seed, num_old_layers, num_extra_layers, features)
    d = x.shape[-1]
    small = _MLP(d, n_old, f, nnx.Rngs(s))
    big = _MLP(d, n_old + n_extra, f, nnx.Rngs(s + 1000))
    for i in range(n_old):
        big.layers[i].kernel[...] = small.layers[i].kernel[...]
    return big(x)


def loop_one_short(seed, x, num_old_layers, num_extra_layers, features):
    """Copy loop runs over range(num_old_layers - 1)."""
    s, n_old, n_extra, f = _ints(seed, num_old_layers, num_extra_layers, features)
    d = x.shape[-1]
    small = _MLP(d, n_old, f, nnx.Rngs(s))
    big = _MLP(d, n_old + n_extra, f, nnx.Rngs(s + 1000))
    _copy(small, big, range(n_old - 1))
    return big(x)


def loop_one_long(seed, x, num_old_layers, num_extra_layers, features):
    """Copy loop runs over range(num_old_layers + 1): small has no layer at that index."""
    s, n_old, n_extra, f = _ints(seed, num_old_layers, num_extra_layers, features)
    d = x.shape[-1]
    small = _MLP(d, n_old, f, nnx.Rngs(s))
    big = _MLP(d, n_old + n_extra, f, nnx.Rngs(s + 1000))
    _copy(small, big, range(n_old + 1))
    return big(x)


def returned_small(seed, x, num_old_layers, num_extra_layers, features):
    """Returns small(x) (the same as a big model missing its extra layers)."""
    s, n_old, n_extra, f = _ints(seed, num_old_layers, num_extra_layers, features)
    d = x.shape[-1]
    small = _MLP(d, n_old, f, nnx.Rngs(s))
    return small(x)


def added_relu(seed, x, num_old_layers, num_extra_layers, features):
    """A ReLU between layers, which the task's MLP does not have."""
    s, n_old, n_extra, f = _ints(seed, num_old_layers, num_extra_layers, features)
    d = x.shape[-1]
    small = _MLP(d, n_old, f, nnx.Rngs(s), activation="relu")
    big = _MLP(d, n_old + n_extra, f, nnx.Rngs(s + 1000), activation="relu")
    _copy(small, big, range(n_old))
    return big(x)


def copy_bias_only(seed, x, num_old_layers, num_extra_layers, features):
    """Only the biases are copied; kernels keep big's init."""
    s, n_old, n_extra, f = _ints(seed, num_old_layers, num_extra_layers, features)
    d = x.shape[-1]
    small = _MLP(d, n_old, f, nnx.Rngs(s))
    big = _MLP(d, n_old + n_extra, f, nnx.Rngs(s + 1000))
    for i in range(n_old):
        big.layers[i].bias[...] = small.layers[i].bias[...]
    return big(x)
