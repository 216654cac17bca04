# expect: failed
# Does no work: a tree of zeros of the right shapes and a zero output, without Linen.
import jax.numpy as jnp


def warm_start(seed_small, seed_big, x, small_layers, big_layers, features):
    d, f = x.shape[-1], int(features)
    params = {}
    for i in range(int(big_layers)):
        params[f"Dense_{i}"] = {"bias": jnp.zeros((f,)), "kernel": jnp.zeros((d if i == 0 else f, f))}
    return params, jnp.zeros(x.shape[:-1] + (f,))
