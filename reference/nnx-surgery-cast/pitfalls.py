"""Known mistakes for nnx-surgery-cast, each with the entry point's signature."""

import jax
import jax.numpy as jnp
from flax import nnx


class _Net(nnx.Module):
    def __init__(self, in_features, features, *, rngs):
        self.linear1 = nnx.Linear(in_features, features, rngs=rngs)
        self.linear2 = nnx.Linear(features, features, rngs=rngs)
        self.calls = nnx.Variable(jnp.array(0, dtype=jnp.int32))  # integer state: not a weight

    def __call__(self, x):
        self.calls[...] += 1
        return self.linear2(nnx.relu(self.linear1(x)))


def _bf16_if_float(leaf):
    return leaf.astype(jnp.bfloat16) if jnp.issubdtype(leaf.dtype, jnp.floating) else leaf


def _model(seed, x, features):
    return _Net(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))


def _result(model, x):
    return {"output": model(x), "calls": model.calls[...]}


def weights_not_cast(seed, x, features):
    # x is cast but the weights stay float32, so everything promotes back to float32.
    model = _model(seed, x, features)
    return _result(model, x.astype(jnp.bfloat16))


def output_cast_only(seed, x, features):
    """Computes in float32 and rounds the output: a bfloat16 step off the reference."""
    model = _model(seed, x, features)
    y = model(x)
    return {"output": y.astype(jnp.bfloat16), "calls": model.calls[...]}


def everything_cast(seed, x, features):
    # The integer counter is cast too and becomes a bfloat16 number.
    model = _model(seed, x, features)
    nnx.update(model, jax.tree.map(lambda a: a.astype(jnp.bfloat16), nnx.state(model)))
    return _result(model, x.astype(jnp.bfloat16))


def kernels_only(seed, x, features):
    model = _model(seed, x, features)
    for layer in (model.linear1, model.linear2):
        layer.kernel[...] = layer.kernel[...].astype(jnp.bfloat16)
    nnx.update(model, nnx.state(model))
    return _result(model, x.astype(jnp.bfloat16))


def first_layer_only(seed, x, features):
    model = _model(seed, x, features)
    nnx.update(model.linear1, jax.tree.map(_bf16_if_float, nnx.state(model.linear1)))
    return _result(model, x.astype(jnp.bfloat16))


def float16_instead(seed, x, features):
    model = _model(seed, x, features)
    f16 = lambda a: a.astype(jnp.float16) if jnp.issubdtype(a.dtype, jnp.floating) else a
    nnx.update(model, jax.tree.map(f16, nnx.state(model)))
    return _result(model, x.astype(jnp.float16))


def input_not_cast(seed, x, features):
    model = _model(seed, x, features)
    nnx.update(model, jax.tree.map(_bf16_if_float, nnx.state(model)))
    return _result(model, x)


def called_twice(seed, x, features):
    model = _model(seed, x, features)
    nnx.update(model, jax.tree.map(_bf16_if_float, nnx.state(model)))
    model(x.astype(jnp.bfloat16))
    return _result(model, x.astype(jnp.bfloat16))
