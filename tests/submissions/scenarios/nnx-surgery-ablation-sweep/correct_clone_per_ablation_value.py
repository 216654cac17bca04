# expect: passed
# Ablates a fresh nnx.clone of the model each time, through the deprecated .value and a sqrt of the sum of squares.
import jax
import jax.numpy as jnp
from flax import nnx


class ResidualMLP(nnx.Module):
    def __init__(self, d, n, rngs):
        self.layers = nnx.List([nnx.Linear(d, d, rngs=rngs) for _ in range(n)])

    def __call__(self, h):
        for layer in self.layers:
            h = h + nnx.relu(layer(h))
        return h


def ablation_sweep(seed, x, num_layers):
    model = ResidualMLP(x.shape[-1], int(num_layers), nnx.Rngs(int(seed)))

    def norm(y):
        return jnp.sqrt(jnp.sum(y * y))

    baseline = norm(model(x))
    norms = []
    for i in range(int(num_layers)):
        copy = nnx.clone(model)
        copy.layers[i].kernel.value = jnp.zeros_like(copy.layers[i].kernel.value)
        norms.append(norm(copy(x)))
    return {"baseline": baseline, "ablated": jnp.stack(norms)}
