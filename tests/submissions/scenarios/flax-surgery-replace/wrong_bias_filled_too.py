# expect: failed pitfall=bias-filled-too
import jax
import jax.numpy as jnp
import flax.linen as nn


def replace_dense_kernel(seed, x, features, replacement_value):
    model = nn.Dense(int(features))
    variables = model.init(jax.random.key(int(seed)), x)
    new = jax.tree.map(lambda a: jnp.full_like(a, replacement_value), variables)
    return model.apply(new, x)
