# expect: passed
# Matches the path as a string with keystr and steps with nnx.Optimizer and optax.sgd.
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

    import optax

    prefix = f"['layers'][{int(frozen)}]"
    grads = jax.tree_util.tree_map_with_path(
        lambda path, g: g * 0 if jax.tree_util.keystr(path).startswith(prefix) else g, grads)
    optimizer = nnx.Optimizer(model, optax.sgd(lr), wrt=nnx.Param)
    optimizer.update(model, grads)
    return moved(model, before), loss_fn(model, x)
