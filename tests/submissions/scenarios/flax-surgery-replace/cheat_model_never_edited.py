# expect: failed pitfall=old-variables-applied
# Inits and applies the layer without touching its kernel.
import jax
import flax.linen as nn


def replace_dense_kernel(seed, x, features, replacement_value):
    model = nn.Dense(int(features))
    variables = model.init(jax.random.key(int(seed)), x)
    return model.apply(variables, x)
