# expect: failed pitfall=value-cast-to-int
import jax
import jax.numpy as jnp
import flax.linen as nn


def replace_dense_kernel(seed, x, features, replacement_value):
    seed, features, value = int(seed), int(features), int(replacement_value)
    model = nn.Dense(features)
    params = model.init(jax.random.key(seed), x)["params"]
    return model.apply({"params": {**params, "kernel": jnp.full_like(params["kernel"], value)}}, x)
