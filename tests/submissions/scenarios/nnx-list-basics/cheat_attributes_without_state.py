# expect: failed
# Right numbers, read from the layer attributes: never looks at the model's state.
import jax.numpy as jnp
from flax import nnx


def layer_param_stats(seed, x, num_layers, features):
    rngs = nnx.Rngs(int(seed))
    f, n = int(features), int(num_layers)
    layers = [nnx.Linear(x.shape[-1] if i == 0 else f, f, rngs=rngs) for i in range(n)]
    counts = [l.kernel[...].size + l.bias[...].size for l in layers]
    norms = [jnp.sqrt(jnp.sum(l.kernel[...] ** 2) + jnp.sum(l.bias[...] ** 2)) for l in layers]
    return {"counts": jnp.array(counts, dtype=jnp.int32), "norms": jnp.stack(norms)}
