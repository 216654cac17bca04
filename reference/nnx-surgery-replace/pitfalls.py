import jax.numpy as jnp
from flax import nnx


def _model(seed, x, features):
    return nnx.Linear(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))


def value_cast_to_int(seed, x, features, replacement_value):
    model = _model(seed, x, features)
    model.kernel[...] = jnp.full_like(model.kernel[...], int(replacement_value))
    return model(x)


def bias_filled_too(seed, x, features, replacement_value):
    model = _model(seed, x, features)
    model.kernel[...] = jnp.full_like(model.kernel[...], replacement_value)
    model.bias[...] = jnp.full_like(model.bias[...], replacement_value)
    return model(x)


def kernel_shape_flipped(seed, x, features, replacement_value):
    # (out, in) instead of (in, out); set_value does not check the shape, so the
    # forward pass is where it breaks (unless the kernel is square).
    model = _model(seed, x, features)
    model.kernel.set_value(jnp.full((int(features), x.shape[-1]), replacement_value))
    return model(x)


def kernel_set_to_scalar(seed, x, features, replacement_value):
    # The Param now holds a 0-d value instead of an (in, out) array.
    model = _model(seed, x, features)
    model.kernel.set_value(jnp.asarray(replacement_value))
    return model(x)


def kernel_not_replaced(seed, x, features, replacement_value):
    # Surgery done on a copy (treated as functional); the original model is called.
    model = _model(seed, x, features)
    patched = nnx.clone(model)
    patched.kernel[...] = jnp.full_like(patched.kernel[...], replacement_value)
    return model(x)


def kernel_scaled(seed, x, features, replacement_value):
    model = _model(seed, x, features)
    model.kernel[...] = model.kernel[...] * replacement_value
    return model(x)


def param_wrapper_replaced(seed, x, features, replacement_value):
    # Rebinds the attribute to a raw array, dropping the nnx.Param wrapper.
    model = _model(seed, x, features)
    model.kernel = jnp.full((x.shape[-1], int(features)), replacement_value)
    return model(x)


def float64_replacement(seed, x, features, replacement_value):
    model = _model(seed, x, features)
    model.kernel[...] = jnp.full(model.kernel[...].shape, replacement_value, dtype=jnp.float64)
    return model(x)


def closed_form(seed, x, features, replacement_value):
    """Skips the model: every output is sum(x) * replacement_value."""
    return jnp.full((int(features),), jnp.sum(x) * replacement_value, dtype=jnp.float32)


def manual_matmul(seed, x, features, replacement_value):
    """Does the surgery, then computes the layer by hand instead of calling it."""
    model = _model(seed, x, features)
    model.kernel[...] = jnp.full_like(model.kernel[...], replacement_value)
    return x @ model.kernel[...] + model.bias[...]
