"""Known mistakes for nnx-surgery-rezero, each with the entry point's signature."""

import jax
import jax.numpy as jnp
from flax import nnx


class _Block(nnx.Module):
    def __init__(self, width, rngs, alpha_init=0.0, as_param=True, whole_sum=False, relu=True):
        self.linear1 = nnx.Linear(width, width, rngs=rngs)
        self.linear2 = nnx.Linear(width, width, rngs=rngs)
        self.alpha = nnx.Param(jnp.full((), alpha_init)) if as_param else alpha_init
        self.whole_sum, self.relu = whole_sum, relu

    def gate(self):
        return self.alpha[...] if isinstance(self.alpha, nnx.Param) else self.alpha

    def __call__(self, h):
        inner = self.linear1(h)
        branch = self.linear2(nnx.relu(inner) if self.relu else inner)
        if self.whole_sum:
            return self.gate() * (h + branch)
        return h + self.gate() * branch


def _run(blocks, x, gate, which=None):
    def forward(h):
        for block in blocks:
            h = block(h)
        return h

    at_init = forward(x)
    for block in (blocks if which is None else [blocks[which]]):
        if isinstance(block.alpha, nnx.Param):
            block.alpha[...] = gate
        else:
            block.alpha = gate
    gated = forward(x)
    count = sum(int(p.size) for p in jax.tree_util.tree_leaves(nnx.state(blocks, nnx.Param)))
    return at_init, gated, count


def _blocks(seed, x, num_blocks, **kw):
    rngs = nnx.Rngs(int(seed))
    return nnx.List([_Block(x.shape[-1], rngs, **kw) for _ in range(int(num_blocks))])


def gate_on_whole_sum(seed, x, num_blocks, gate):
    return _run(_blocks(seed, x, num_blocks, whole_sum=True), x, gate)


def gate_starts_at_one(seed, x, num_blocks, gate):
    return _run(_blocks(seed, x, num_blocks, alpha_init=1.0), x, gate)


def gate_not_a_param(seed, x, num_blocks, gate):
    return _run(_blocks(seed, x, num_blocks, as_param=False), x, gate)


def no_activation(seed, x, num_blocks, gate):
    return _run(_blocks(seed, x, num_blocks, relu=False), x, gate)


def only_last_gate_opened(seed, x, num_blocks, gate):
    return _run(_blocks(seed, x, num_blocks), x, gate, which=-1)


def fresh_rngs_per_block(seed, x, num_blocks, gate):
    blocks = nnx.List([_Block(x.shape[-1], nnx.Rngs(int(seed))) for _ in range(int(num_blocks))])
    return _run(blocks, x, gate)


def gates_never_opened(seed, x, num_blocks, gate):
    blocks = _blocks(seed, x, num_blocks)
    at_init, _, count = _run(blocks, x, gate)
    return at_init, at_init, count
