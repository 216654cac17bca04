import jax
import jax.numpy as jnp
from flax import nnx


class Net(nnx.Module):
    def __init__(self, in_features, features, *, rngs):
        self.linear = nnx.Linear(in_features, features, rngs=rngs)
        self.norm = nnx.BatchNorm(features, rngs=rngs)

    def __call__(self, x):
        return self.norm(self.linear(x))


def split_by_type(seed, x, features):
    """Build Net(x.shape[-1], features, rngs=nnx.Rngs(seed)), call it once on x (a float32
    array of shape (N, in_features)), split its state into nnx.Param and nnx.BatchStat parts
    and return the tuple

        (number of parameter values: int, number of batch-statistic values: int,
         the BatchNorm running mean: float32 array of shape (features,))

    seed and features arrive as Python floats (3 arrives as 3.0).
    """
    raise NotImplementedError
