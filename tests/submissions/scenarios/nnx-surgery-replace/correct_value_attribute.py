# expect: passed
import jax.numpy as jnp
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    # Older style: .value is deprecated in this Flax version but still works.
    layer = nnx.Linear(
        in_features=x.shape[-1],
        out_features=int(features),
        rngs=nnx.Rngs(int(seed)),
    )
    layer.kernel.value = jnp.full_like(layer.kernel.value, replacement_value)
    return layer(x)
