# expect: failed
# Skips the model: kernels drawn from the seed with jax.random and zero biases, no Linen at all.
import jax
import jax.numpy as jnp


def masked_sgd_step(seed, x, num_layers, freeze, lr):
    d = x.shape[-1]
    keys = jax.random.split(jax.random.key(int(seed)), int(num_layers))
    return {f"Dense_{i}": {"bias": jnp.zeros((d,)), "kernel": jax.random.normal(keys[i], (d, d)) / jnp.sqrt(d)}
            for i in range(int(num_layers))}
