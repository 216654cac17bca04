# expect: failed pitfall=nothing-copied
# Skips the copy: the new layers get identities, but the old ones are the big model's own.
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

    big = MLP(x.shape[-1], n + e, f, nnx.Rngs(int(big_seed)))
    for layer in list(big.layers)[n:]:
        layer.kernel[...] = jnp.eye(f)
        layer.bias[...] = jnp.zeros((f,))
    return {"output": big(x), "kernels": [l.kernel[...] for l in big.layers]}
