# expect: passed
import jax
import jax.numpy as jnp
import flax.linen as nn


def replace_dense_kernel(seed, x, features, replacement_value):
    model = nn.Dense(int(features))
    variables = model.init(jax.random.key(int(seed)), x)
    params = variables["params"]
    new_variables = {"params": {**params, "kernel": jnp.full_like(params["kernel"], replacement_value)}}
    return model.apply(new_variables, x)
