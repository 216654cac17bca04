# expect: passed
# nnx.data marks the plain list as data; nnx.split with the Param filter gives the state.
import jax.numpy as jnp
from flax import nnx


class Stack(nnx.Module):
    def __init__(self, d, n, f, rngs):
        self.layers = nnx.data([])
        for i in range(n):
            self.layers.append(nnx.Linear(d if i == 0 else f, f, rngs=rngs))


def layer_param_stats(seed, x, num_layers, features):
    model = Stack(x.shape[-1], int(num_layers), int(features), nnx.Rngs(int(seed)))
    _, params = nnx.split(model, nnx.Param)
    counts, norms = [], []
    for i in sorted(params["layers"].keys()):
        layer = params["layers"][i]
        flat = jnp.concatenate([layer["kernel"][...].ravel(), layer["bias"][...].ravel()])
        counts.append(flat.size)
        norms.append(jnp.linalg.norm(flat))
    return {"counts": jnp.asarray(counts, dtype=jnp.int32), "norms": jnp.array(norms)}
