"""Reference solution for nnx-surgery-ablation-sweep."""

import jax.numpy as jnp
from flax import nnx


class ResidualMLP(nnx.Module):
    """h -> h + relu(layer(h)) for each square layer in turn."""

    def __init__(self, width: int, num_layers: int, *, rngs: nnx.Rngs):
        self.layers = nnx.List([nnx.Linear(width, width, rngs=rngs) for _ in range(num_layers)])

    def __call__(self, h):
        for layer in self.layers:
            h = h + nnx.relu(layer(h))
        return h


def ablation_sweep(seed, x, num_layers):
    model = ResidualMLP(x.shape[-1], int(num_layers), rngs=nnx.Rngs(int(seed)))
    baseline = jnp.linalg.norm(model(x))

    norms = []
    for layer in model.layers:
        saved = layer.kernel[...]
        layer.kernel[...] = jnp.zeros_like(saved)
        norms.append(jnp.linalg.norm(model(x)))
        layer.kernel[...] = saved  # put it back before the next ablation

    return {"baseline": baseline, "ablated": jnp.stack(norms)}
