# expect: failed pitfall=kernels-not-restored
# Keeps the Variable instead of its array, so the restore writes back the zeros.
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

    baseline = jnp.linalg.norm(model(x))
    norms = []
    for layer in model.layers:
        saved = layer.kernel
        layer.kernel[...] = jnp.zeros_like(layer.kernel[...])
        norms.append(jnp.linalg.norm(model(x)))
        layer.kernel[...] = saved[...]
    return {"baseline": baseline, "ablated": jnp.stack(norms)}
