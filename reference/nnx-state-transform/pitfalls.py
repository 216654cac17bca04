import jax
import jax.numpy as jnp
from flax import nnx


def _build(seed, x, features):
    n_out = int(features)
    model = nnx.Linear(x.shape[-1], n_out, rngs=nnx.Rngs(int(seed)))
    model.bias[...] = jnp.ones((n_out,), dtype=jnp.float32)
    return model


def kernel_not_zeroed(seed, x, features):
    # Splits and merges, but the name test never matches (or the original
    # model is called), so the kernel still multiplies x.
    model = _build(seed, x, features)
    graphdef, state = nnx.split(model)
    new_state = jax.tree_util.tree_map_with_path(
        lambda path, leaf: jnp.zeros_like(leaf) if "kernel" in path else leaf, state)
    nnx.merge(graphdef, new_state)
    return model(x)


def bias_not_ones(seed, x, features):
    # Plain tree_map zeroes every leaf, the bias included.
    model = _build(seed, x, features)
    graphdef, state = nnx.split(model)
    new_state = jax.tree_util.tree_map(jnp.zeros_like, state)
    return nnx.merge(graphdef, new_state)(x)


def bias_zeroed_instead(seed, x, features):
    # Matches the wrong name: the bias is zeroed and the kernel kept.
    model = _build(seed, x, features)
    graphdef, state = nnx.split(model)
    new_state = jax.tree_util.tree_map_with_path(
        lambda path, leaf: jnp.zeros_like(leaf) if "bias" in jax.tree_util.keystr(path) else leaf,
        state)
    return nnx.merge(graphdef, new_state)(x)


def returned_bias_directly(seed, x, features):
    # Returns the merged model's bias instead of calling the model.
    model = _build(seed, x, features)
    graphdef, state = nnx.split(model)
    new_state = jax.tree_util.tree_map_with_path(
        lambda path, leaf: jnp.zeros_like(leaf) if "kernel" in jax.tree_util.keystr(path) else leaf,
        state)
    merged = nnx.merge(graphdef, new_state)
    return merged.bias[...]


def edited_without_split(seed, x, features):
    # Writes the zeros into the model's kernel directly: right output, no State involved.
    model = _build(seed, x, features)
    model.kernel[...] = jnp.zeros_like(model.kernel[...])
    return model(x)
