# expect: failed pitfall=norm-of-change
# Records how far each ablated output is from the intact one.
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

    intact = model(x)
    norms = []
    for layer in model.layers:
        saved = layer.kernel[...]
        layer.kernel[...] = jnp.zeros_like(saved)
        norms.append(jnp.linalg.norm(model(x) - intact))
        layer.kernel[...] = saved
    return {"baseline": jnp.linalg.norm(intact), "ablated": jnp.stack(norms)}
