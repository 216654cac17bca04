# expect: error pitfall=float-in-range
import jax
import jax.numpy as jnp
from flax import nnx


def layer_param_stats(seed, x, num_layers, features):
    rngs = nnx.Rngs(int(seed))
    f = int(features)
    layers = nnx.List([nnx.Linear(x.shape[-1] if i == 0 else f, f, rngs=rngs) for i in range(num_layers)])
    state = nnx.state(layers)
    counts = [sum(a.size for a in jax.tree.leaves(state[i])) for i in range(num_layers)]
    norms = [jnp.sqrt(sum(jnp.sum(a**2) for a in jax.tree.leaves(state[i]))) for i in range(num_layers)]
    return {"counts": jnp.array(counts, dtype=jnp.int32), "norms": jnp.stack(norms)}
