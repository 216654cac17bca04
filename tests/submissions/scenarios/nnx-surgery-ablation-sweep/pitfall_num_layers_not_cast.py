# expect: error pitfall=num-layers-not-cast
# Passes the float num_layers to range().
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

    model = ResidualMLP(x.shape[-1], num_layers, nnx.Rngs(int(seed)))
    return {"baseline": jnp.linalg.norm(model(x)), "ablated": jnp.zeros((1,))}
