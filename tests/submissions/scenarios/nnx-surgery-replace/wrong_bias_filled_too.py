# expect: failed pitfall=bias-filled-too
import jax.numpy as jnp
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    model = nnx.Linear(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    for p in (model.kernel, model.bias):
        p[...] = jnp.full_like(p[...], replacement_value)
    return model(x)
