# expect: failed pitfall=froze-next-layer
# Counts layers from 1: freezes index frozen + 1.
import jax
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, d, n, rngs):
        self.layers = nnx.List([nnx.Linear(d, d, rngs=rngs) for _ in range(n)])

    def __call__(self, h):
        for layer in self.layers:
            h = layer(h)
        return h


def loss_fn(model, x):
    return jnp.mean(model(x) ** 2)


def moved(model, before):
    return jnp.stack([
        jnp.sqrt(jnp.sum((l.kernel[...] - k) ** 2) + jnp.sum((l.bias[...] - b) ** 2))
        for l, (k, b) in zip(model.layers, before)
    ])


def freeze_and_step(seed, x, num_layers, frozen, lr):
    model = MLP(x.shape[-1], int(num_layers), nnx.Rngs(int(seed)))
    before = [(l.kernel[...], l.bias[...]) for l in model.layers]
    grads = nnx.grad(loss_fn)(model, x)

    target = (int(frozen) + 1) % int(num_layers)
    grads = jax.tree_util.tree_map_with_path(
        lambda path, g: jnp.zeros_like(g) if path[1].key == target else g, grads)
    params = nnx.state(model, nnx.Param)
    nnx.update(model, jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads))
    return moved(model, before), loss_fn(model, x)
