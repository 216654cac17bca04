# expect: passed
import jax.numpy as jnp
from flax import nnx


class Stack(nnx.Module):
    def __init__(self, d_in, depth, width, *, rngs):
        sizes = [d_in] + [width] * depth
        self.layers = nnx.List(
            [nnx.Linear(a, b, rngs=rngs) for a, b in zip(sizes[:-1], sizes[1:])]
        )

    def __call__(self, h):
        for lin in self.layers:
            h = lin(h)
        return h


def add_layer_warm_start(seed, x, num_old_layers, num_extra_layers, features):
    s, old, extra, width = (int(v) for v in (seed, num_old_layers, num_extra_layers, features))
    small = Stack(x.shape[0], old, width, rngs=nnx.Rngs(s))
    big = Stack(x.shape[0], old + extra, width, rngs=nnx.Rngs(s + 1000))
    # zip stops at the shorter list, i.e. after the old layers
    for src, dst in zip(small.layers, big.layers):
        dst.kernel.value = src.kernel.value
        dst.bias.value = src.bias.value
    return big(x)
