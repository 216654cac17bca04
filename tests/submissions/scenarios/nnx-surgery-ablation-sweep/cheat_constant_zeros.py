# expect: failed
# Does no work: zeros of the output's shapes.
import jax.numpy as jnp


def ablation_sweep(seed, x, num_layers):
    return {"baseline": jnp.zeros(()), "ablated": jnp.zeros((int(num_layers),))}
