# expect: failed pitfall=manual-matmul
import jax.numpy as jnp
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    model = nnx.Linear(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    model.kernel[...] = jnp.full_like(model.kernel[...], replacement_value)
    w = model.kernel[...]
    b = model.bias[...]
    return jnp.dot(x, w) + b
