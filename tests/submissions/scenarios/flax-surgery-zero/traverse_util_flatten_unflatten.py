# expect: passed
import jax
import jax.numpy as jnp
import flax.linen as nn
from flax import traverse_util


class Net(nn.Module):
    depth: int
    width: int

    @nn.compact
    def __call__(self, h):
        for i in range(self.depth):
            init = nn.initializers.ones if i == self.depth - 1 else nn.initializers.zeros
            h = nn.Dense(self.width, bias_init=init)(h)
        return h


def zero_last_dense_kernel(seed, x, num_layers, features):
    depth = int(num_layers)
    net = Net(depth=depth, width=int(features))
    variables = net.init(jax.random.PRNGKey(int(seed)), x)
    flat = traverse_util.flatten_dict(variables)
    target = ("params", f"Dense_{depth - 1}", "kernel")
    flat = {k: (jnp.zeros_like(v) if k == target else v) for k, v in flat.items()}
    return net.apply(traverse_util.unflatten_dict(flat), x)
