# expect: passed
# Grows the small model itself: appends Linear layers whose initialisers give the identity and zeros.
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, d, n, f, rngs):
        sizes = [d] + [f] * n
        self.layers = nnx.List([nnx.Linear(sizes[i], sizes[i + 1], rngs=rngs) for i in range(n)])

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def expand_with_identity(seed, big_seed, x, small_layers, extra_layers, features):
    n, e, f = int(small_layers), int(extra_layers), int(features)
    small = MLP(x.shape[-1], n, f, nnx.Rngs(int(seed)))
    rngs = nnx.Rngs(int(big_seed))
    for _ in range(e):
        small.layers.append(nnx.Linear(f, f, kernel_init=lambda key, shape, dtype=jnp.float32: jnp.eye(shape[0], dtype=dtype),
                                       bias_init=nnx.initializers.zeros, rngs=rngs))
    return {"output": small(x), "kernels": [l.kernel[...] for l in small.layers]}
