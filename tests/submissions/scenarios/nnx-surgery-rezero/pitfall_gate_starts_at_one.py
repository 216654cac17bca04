# expect: failed pitfall=gate-starts-at-one
# Initialises the gate with ones.
import jax
import jax.numpy as jnp
from flax import nnx


class Block(nnx.Module):
    def __init__(self, d, rngs):
        self.linear1 = nnx.Linear(d, d, rngs=rngs)
        self.linear2 = nnx.Linear(d, d, rngs=rngs)
        self.alpha = nnx.Param(jnp.ones(()))

    def __call__(self, h):
        return h + self.alpha[...] * self.linear2(nnx.relu(self.linear1(h)))


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
        block.alpha[...] = gate
    return at_init, model(x), count(model)
