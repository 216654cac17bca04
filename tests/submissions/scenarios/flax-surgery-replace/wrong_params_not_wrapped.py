# expect: error pitfall=params-not-wrapped
import jax
import jax.numpy as jnp
import flax.linen as nn


def replace_dense_kernel(seed, x, features, replacement_value):
    model = nn.Dense(int(features))
    params = model.init(jax.random.key(int(seed)), x)["params"]
    return model.apply({**params, "kernel": jnp.full_like(params["kernel"], replacement_value)}, x)
