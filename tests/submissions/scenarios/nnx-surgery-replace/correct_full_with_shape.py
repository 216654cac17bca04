# expect: passed
import jax.numpy as jnp
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    n_in, n_out = x.shape[-1], int(features)
    model = nnx.Linear(n_in, n_out, rngs=nnx.Rngs(int(seed)))
    old = model.kernel.get_value()
    model.kernel.set_value(jnp.full(old.shape, replacement_value, dtype=old.dtype))
    return model(x)
