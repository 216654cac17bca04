# expect: failed
# Does no work: zeros for the output and identities for every square kernel, no model at all.
import jax.numpy as jnp


def expand_with_identity(seed, big_seed, x, small_layers, extra_layers, features):
    d, f, n = x.shape[-1], int(features), int(small_layers) + int(extra_layers)
    kernels = [jnp.zeros((d, f))] + [jnp.eye(f) for _ in range(n - 1)]
    return {"output": jnp.zeros(x.shape[:-1] + (f,)), "kernels": kernels}
