# expect: passed
# flatten_dict / unflatten_dict for the edit, on the variables tree as a whole.
import jax
import jax.numpy as jnp
import flax.linen as nn
from flax import traverse_util


def replace_dense_kernel(seed, x, features, replacement_value):
    model = nn.Dense(int(features))
    variables = model.init(jax.random.key(int(seed)), x)
    flat = traverse_util.flatten_dict(variables)
    flat = {k: (jnp.ones_like(v) * replacement_value if k[-1] == "kernel" else v) for k, v in flat.items()}
    return model.apply(traverse_util.unflatten_dict(flat), x)
