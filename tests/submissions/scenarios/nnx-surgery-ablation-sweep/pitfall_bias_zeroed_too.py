# expect: failed pitfall=bias-zeroed-too
# Zeroes kernel and bias for each ablation, restoring both.
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
        k, b = layer.kernel[...], layer.bias[...]
        layer.kernel[...] = jnp.zeros_like(k)
        layer.bias[...] = jnp.zeros_like(b)
        norms.append(jnp.linalg.norm(model(x)))
        layer.kernel[...], layer.bias[...] = k, b
    return {"baseline": baseline, "ablated": jnp.stack(norms)}
