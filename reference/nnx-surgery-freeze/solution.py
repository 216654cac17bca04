"""Reference solution for nnx-surgery-freeze."""

import jax
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    """Square Linear layers applied one after another, no activation."""

    def __init__(self, width: int, num_layers: int, *, rngs: nnx.Rngs):
        self.layers = nnx.List([nnx.Linear(width, width, rngs=rngs) for _ in range(num_layers)])

    def __call__(self, h):
        for layer in self.layers:
            h = layer(h)
        return h


def _loss(model, x):
    return jnp.mean(model(x) ** 2)


def _is_frozen(path, frozen):
    # paths into the State look like ('layers', i, 'kernel' or 'bias', ...)
    return path[0].key == "layers" and path[1].key == frozen


def freeze_and_step(seed, x, num_layers, frozen, lr):
    frozen = int(frozen)
    model = MLP(x.shape[-1], int(num_layers), rngs=nnx.Rngs(int(seed)))
    # a snapshot of the arrays: nnx.state shares its Variables with the model, so it would
    # follow the update below
    before = nnx.to_pure_dict(nnx.state(model, nnx.Param))

    grads = nnx.grad(_loss)(model, x)
    grads = jax.tree_util.tree_map_with_path(
        lambda path, g: jnp.zeros_like(g) if _is_frozen(path, frozen) else g, grads
    )
    params = nnx.state(model, nnx.Param)
    nnx.update(model, jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads))

    moved = []
    for i, layer in enumerate(model.layers):
        old = before["layers"][i]
        moved.append(jnp.sqrt(jnp.sum((layer.kernel[...] - old["kernel"]) ** 2)
                              + jnp.sum((layer.bias[...] - old["bias"]) ** 2)))
    return jnp.stack(moved), _loss(model, x)
