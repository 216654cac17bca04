# expect: passed
# Snapshots with nnx.to_pure_dict and writes each new value with [...] through the layers.
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

    snap = nnx.to_pure_dict(nnx.state(model, nnx.Param))
    grads = jax.tree_util.tree_map_with_path(
        lambda path, g: jnp.where(path[1].key == int(frozen), 0.0, g), grads)
    for i, layer in enumerate(model.layers):
        layer.kernel[...] = layer.kernel[...] - lr * grads["layers"][i]["kernel"][...]
        layer.bias[...] = layer.bias[...] - lr * grads["layers"][i]["bias"][...]
    out = [jnp.sqrt(jnp.sum((model.layers[i].kernel[...] - snap["layers"][i]["kernel"]) ** 2)
                    + jnp.sum((model.layers[i].bias[...] - snap["layers"][i]["bias"]) ** 2))
           for i in range(int(num_layers))]
    return jnp.stack(out), loss_fn(model, x)
