# expect: failed pitfall=kernel-only
import jax.numpy as jnp
from flax import nnx


def layer_param_stats(seed, x, num_layers, features):
    rngs = nnx.Rngs(int(seed))
    f, n = int(features), int(num_layers)
    layers = nnx.List([nnx.Linear(x.shape[-1] if i == 0 else f, f, rngs=rngs) for i in range(n)])
    state = nnx.state(layers)
    kernels = [state[i]["kernel"][...] for i in range(n)]
    return {"counts": jnp.array([k.size for k in kernels], dtype=jnp.int32),
            "norms": jnp.array([jnp.linalg.norm(k) for k in kernels])}
