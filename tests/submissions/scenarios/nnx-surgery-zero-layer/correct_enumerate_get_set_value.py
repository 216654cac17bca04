# expect: passed
# Walks the layers with enumerate and zeroes the one at the last position with get/set_value.
import jax.numpy as jnp
from flax import nnx


class Chain(nnx.Module):
    def __init__(self, widths, rngs):
        self.blocks = nnx.List(
            [nnx.Linear(widths[i], widths[i + 1], rngs=rngs) for i in range(len(widths) - 1)]
        )

    def __call__(self, v):
        for block in self.blocks:
            v = block(v)
        return v


def zero_last_layer_kernel(seed, x, num_layers, features):
    depth = int(num_layers)
    chain = Chain([x.size] + [int(features)] * depth, nnx.Rngs(int(seed)))
    for i, block in enumerate(chain.blocks):
        if i == depth - 1:
            block.kernel.set_value(0.0 * block.kernel.get_value())
    return chain(x)
