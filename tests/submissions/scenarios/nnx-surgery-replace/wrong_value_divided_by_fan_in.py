# expect: failed
import jax.numpy as jnp
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    # Subtly wrong: "normalises" the fill by the fan-in, so each output is the
    # mean of x times the value rather than the sum (right only when len(x) == 1
    # or the value is 0).
    model = nnx.Linear(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    fan_in = model.kernel[...].shape[0]
    model.kernel[...] = jnp.full_like(model.kernel[...], replacement_value / fan_in)
    return model(x)
