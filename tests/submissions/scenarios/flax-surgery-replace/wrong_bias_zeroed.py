# expect: failed pitfall=bias-zeroed
import jax
import jax.numpy as jnp
import flax.linen as nn


def replace_dense_kernel(seed, x, features, replacement_value):
    f = int(features)
    model = nn.Dense(f)
    params = model.init(jax.random.key(int(seed)), x)["params"]
    new = {"kernel": jnp.full_like(params["kernel"], replacement_value), "bias": jnp.zeros((f,))}
    return model.apply({"params": new}, x)
