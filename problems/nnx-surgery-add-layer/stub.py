import jax
import jax.numpy as jnp
from flax import nnx


def add_layer_warm_start(seed, x, num_old_layers, num_extra_layers, features) -> jax.Array:
    """Warm-start a deeper MLP from a shallower one and run it on x.

    Build `small` (num_old_layers Linear layers, nnx.Rngs(int(seed))) and `big`
    (num_old_layers + num_extra_layers layers, nnx.Rngs(int(seed) + 1000)), copy
    the kernel and bias of the first num_old_layers layers from small into big,
    and return big(x): a float32 array of shape (features,).
    """
    raise NotImplementedError
