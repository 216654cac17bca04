# expect: failed pitfall=edited-without-split
import jax.numpy as jnp
from flax import nnx


def state_zero_kernel(seed, x, features):
    features = int(features)
    m = nnx.Linear(x.shape[-1], features, rngs=nnx.Rngs(int(seed)))
    m.kernel[...] = jnp.zeros((x.shape[-1], features))
    m.bias[...] = jnp.ones((features,))
    return m(x)
