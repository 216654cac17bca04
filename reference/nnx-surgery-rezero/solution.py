"""Reference solution for nnx-surgery-rezero."""

import jax
import jax.numpy as jnp
from flax import nnx


class ReZeroBlock(nnx.Module):
    """h + alpha * branch(h), with the scalar gate alpha a trainable parameter that starts at 0."""

    def __init__(self, width: int, *, rngs: nnx.Rngs):
        self.linear1 = nnx.Linear(width, width, rngs=rngs)
        self.linear2 = nnx.Linear(width, width, rngs=rngs)
        self.alpha = nnx.Param(jnp.zeros(()))

    def __call__(self, h):
        return h + self.alpha[...] * self.linear2(nnx.relu(self.linear1(h)))


class ReZeroNet(nnx.Module):
    def __init__(self, width: int, num_blocks: int, *, rngs: nnx.Rngs):
        self.blocks = nnx.List([ReZeroBlock(width, rngs=rngs) for _ in range(num_blocks)])

    def __call__(self, h):
        for block in self.blocks:
            h = block(h)
        return h


def rezero_net(seed, x, num_blocks, gate):
    model = ReZeroNet(x.shape[-1], int(num_blocks), rngs=nnx.Rngs(int(seed)))
    at_init = model(x)

    for block in model.blocks:
        block.alpha[...] = gate
    gated = model(x)

    params = jax.tree_util.tree_leaves(nnx.state(model, nnx.Param))
    return at_init, gated, sum(int(p.size) for p in params)
