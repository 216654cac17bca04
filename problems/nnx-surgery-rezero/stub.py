import jax
import jax.numpy as jnp
from flax import nnx


def rezero_net(seed, x, num_blocks, gate):
    """Build num_blocks residual blocks of width x.shape[-1] with nnx.Rngs(seed). Each block
    computes h + alpha * linear2(relu(linear1(h))), where alpha is a scalar nnx.Param that starts
    at 0. Return (model(x) at initialisation, model(x) after setting every alpha to gate, the
    number of scalars in nnx.state(model, nnx.Param) after that).

    seed and num_blocks arrive as Python floats; gate is a float; x is a float32 jax.Array of
    shape (d,) or (batch, d).
    """
    raise NotImplementedError
