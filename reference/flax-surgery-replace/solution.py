import jax
import jax.numpy as jnp
import flax.linen as nn


def replace_dense_kernel(seed, x, features, replacement_value):
    model = nn.Dense(int(features))
    variables = model.init(jax.random.key(int(seed)), x)

    params = variables["params"]
    # A new tree: the bias is carried over, only the kernel is replaced.
    new_variables = {
        **variables,
        "params": {**params, "kernel": jnp.full_like(params["kernel"], replacement_value)},
    }
    return model.apply(new_variables, x)
