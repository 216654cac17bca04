# expect: passed
# Uses the deprecated-but-working `.value` accessor, append on nnx.List, and index -1.
import jax.numpy as jnp
from flax import nnx


class Stack(nnx.Module):
    def __init__(self, d_in, depth, width, rngs):
        self.layers = nnx.List()
        for i in range(depth):
            self.layers.append(nnx.Linear(d_in if i == 0 else width, width, rngs=rngs))

    def __call__(self, h):
        for lin in self.layers:
            h = lin(h)
        return h


def zero_last_layer_kernel(seed, x, num_layers, features):
    net = Stack(x.shape[0], int(num_layers), int(features), nnx.Rngs(int(seed)))
    net.layers[-1].kernel.value = jnp.zeros_like(net.layers[-1].kernel.value)
    return net(x)
