# expect: failed
# Skips the model: the norm of x for everything.
import jax.numpy as jnp


def ablation_sweep(seed, x, num_layers):
    n = jnp.linalg.norm(x)
    return {"baseline": n, "ablated": jnp.full((int(num_layers),), n)}
