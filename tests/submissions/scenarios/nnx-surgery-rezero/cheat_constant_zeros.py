# expect: failed
# Does no work: zeros of x's shape and a count of zero.
import jax.numpy as jnp


def rezero_net(seed, x, num_blocks, gate):
    return jnp.zeros_like(x), jnp.zeros_like(x), 0
