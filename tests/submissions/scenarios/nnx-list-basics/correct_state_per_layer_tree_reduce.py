# expect: passed
# nnx.state of each layer of the nnx.List, reduced with jax.tree utilities.
import jax
import jax.numpy as jnp
from flax import nnx


def layer_param_stats(seed, x, num_layers, features):
    rngs = nnx.Rngs(int(seed))
    f = int(features)
    layers = nnx.List()
    width = x.shape[-1]
    for _ in range(int(num_layers)):
        layers.append(nnx.Linear(width, f, rngs=rngs))
        width = f
    counts, norms = [], []
    for layer in layers:
        st = nnx.state(layer)
        counts.append(jax.tree.reduce(lambda acc, a: acc + a.size, st, 0))
        sq = jax.tree.reduce(lambda acc, a: acc + jnp.vdot(a, a), st, 0.0)
        norms.append(jnp.sqrt(sq))
    return {"counts": jnp.array(counts, jnp.int32), "norms": jnp.array(norms, jnp.float32)}
