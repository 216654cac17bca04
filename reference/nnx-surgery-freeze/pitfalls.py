"""Known mistakes for nnx-surgery-freeze, each with the entry point's signature."""

import jax
import jax.numpy as jnp
from flax import nnx


def _layers(seed, x, num_layers):
    rngs = nnx.Rngs(int(seed))
    return nnx.List([nnx.Linear(x.shape[-1], x.shape[-1], rngs=rngs) for _ in range(int(num_layers))])


def _forward(layers, x):
    for layer in layers:
        x = layer(x)
    return x


def _loss(layers, x):
    return jnp.mean(_forward(layers, x) ** 2)


def _step(seed, x, num_layers, lr, mask, sign=-1.0, loss=_loss, apply=True):
    """One step with the gradient of (layer index, name) zeroed where mask says so."""
    layers = _layers(seed, x, num_layers)
    old = [(l.kernel[...], l.bias[...]) for l in layers]
    grads = nnx.grad(loss)(layers, x)
    grads = jax.tree_util.tree_map_with_path(
        lambda p, g: jnp.zeros_like(g) if mask(p[0].key, p[1].key) else g, grads)
    if apply:
        params = nnx.state(layers, nnx.Param)
        nnx.update(layers, jax.tree_util.tree_map(lambda p, g: p + sign * lr * g, params, grads))
    moved = [jnp.sqrt(jnp.sum((l.kernel[...] - k) ** 2) + jnp.sum((l.bias[...] - b) ** 2))
             for l, (k, b) in zip(layers, old)]
    return jnp.stack(moved), _loss(layers, x)


def froze_next_layer(seed, x, num_layers, frozen, lr):
    target = (int(frozen) + 1) % int(num_layers)
    return _step(seed, x, num_layers, lr, lambda i, name: i == target)


def kernel_only_frozen(seed, x, num_layers, frozen, lr):
    return _step(seed, x, num_layers, lr, lambda i, name: i == int(frozen) and name == "kernel")


def nothing_frozen(seed, x, num_layers, frozen, lr):
    return _step(seed, x, num_layers, lr, lambda i, name: False)


def only_frozen_trained(seed, x, num_layers, frozen, lr):
    return _step(seed, x, num_layers, lr, lambda i, name: i != int(frozen))


def gradient_ascent(seed, x, num_layers, frozen, lr):
    return _step(seed, x, num_layers, lr, lambda i, name: i == int(frozen), sign=1.0)


def step_never_applied(seed, x, num_layers, frozen, lr):
    return _step(seed, x, num_layers, lr, lambda i, name: i == int(frozen), apply=False)


def summed_loss(seed, x, num_layers, frozen, lr):
    def loss(layers, x):
        return jnp.sum(_forward(layers, x) ** 2)

    return _step(seed, x, num_layers, lr, lambda i, name: i == int(frozen), loss=loss)


def snapshot_shares_variables(seed, x, num_layers, frozen, lr):
    """The 'before' State came from nnx.state, which follows the update: nothing seems to move."""
    moved, new_loss = _step(seed, x, num_layers, lr, lambda i, name: i == int(frozen))
    return jnp.zeros_like(moved), new_loss
