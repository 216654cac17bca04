# expect: passed
# Uses jax.nn.relu in the block, set_value for the gates, and counts with nnx.state(model) filtered by nnx.Param.
import jax
import jax.numpy as jnp
from flax import nnx


class Block(nnx.Module):
    def __init__(self, d, rngs):
        self.linear1 = nnx.Linear(d, d, rngs=rngs)
        self.linear2 = nnx.Linear(d, d, rngs=rngs)
        self.alpha = nnx.Param(jnp.zeros(()))

    def __call__(self, h):
        return h + self.alpha[...] * self.linear2(jax.nn.relu(self.linear1(h)))


class Net(nnx.Module):
    def __init__(self, d, n, rngs):
        self.blocks = nnx.List([Block(d, rngs) for _ in range(n)])

    def __call__(self, h):
        for block in self.blocks:
            h = block(h)
        return h


def count(model):
    return sum(int(p.size) for p in jax.tree_util.tree_leaves(nnx.state(model, nnx.Param)))


def rezero_net(seed, x, num_blocks, gate):
    model = Net(x.shape[-1], int(num_blocks), nnx.Rngs(int(seed)))

    at_init = model(x)
    for block in model.blocks:
        block.alpha.set_value(jnp.asarray(gate, jnp.float32))
    leaves = jax.tree_util.tree_leaves(nnx.state(model, nnx.Param))
    return at_init, model(x), int(sum(leaf.size for leaf in leaves))
