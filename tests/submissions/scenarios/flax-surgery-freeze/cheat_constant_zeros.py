# expect: failed
# Does no work: a dict of zeros of the right shapes, without Linen.
import jax.numpy as jnp


def masked_sgd_step(seed, x, num_layers, freeze, lr):
    d = x.shape[-1]
    return {f"Dense_{i}": {"bias": jnp.zeros((d,)), "kernel": jnp.zeros((d, d))} for i in range(int(num_layers))}
