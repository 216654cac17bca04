"""Known mistakes for flax-surgery-zero, each with the entry point's signature."""

import jax
import jax.numpy as jnp
import flax.linen as nn


class _MLP(nn.Module):
    num_layers: int
    features: int
    earlier_bias: str = "default"  # default | zeros (an explicit zeros init) | ones

    @nn.compact
    def __call__(self, x):
        for i in range(self.num_layers):
            if i == self.num_layers - 1 or self.earlier_bias == "ones":
                x = nn.Dense(self.features, bias_init=nn.initializers.ones)(x)
            elif self.earlier_bias == "zeros":
                x = nn.Dense(self.features, bias_init=nn.initializers.zeros)(x)
            else:
                x = nn.Dense(self.features)(x)
        return x


def _setup(seed, x, num_layers, features, earlier_bias="default"):
    model = _MLP(int(num_layers), int(features), earlier_bias)
    params = model.init(jax.random.PRNGKey(int(seed)), x)["params"]
    return model, params


def _replace_layer(params, name, layer):
    return {"params": {**params, name: layer}}


def wrong_layer_name(seed, x, num_layers, features):
    # Off by one: writes a new "Dense_{n}" entry, which apply silently ignores.
    model, params = _setup(seed, x, num_layers, features)
    last = f"Dense_{int(num_layers) - 1}"
    name = f"Dense_{int(num_layers)}"
    layer = {**params[last], "kernel": jnp.zeros_like(params[last]["kernel"])}
    return model.apply(_replace_layer(params, name, layer), x)


def bias_zeroed_too(seed, x, num_layers, features):
    # Output: all zeros. A model whose last layer was built without the ones bias
    # (default init, or the ones bias given to another layer) gives the same zeros.
    model, params = _setup(seed, x, num_layers, features)
    last = f"Dense_{int(num_layers) - 1}"
    layer = jax.tree_util.tree_map(jnp.zeros_like, params[last])
    return model.apply(_replace_layer(params, last, layer), x)


def square_zero_kernel(seed, x, num_layers, features):
    # jnp.zeros((features, features)): right for every layer but the first.
    model, params = _setup(seed, x, num_layers, features)
    f = int(features)
    last = f"Dense_{int(num_layers) - 1}"
    layer = {**params[last], "kernel": jnp.zeros((f, f))}
    return model.apply(_replace_layer(params, last, layer), x)


def zero_first_layer(seed, x, num_layers, features):
    model, params = _setup(seed, x, num_layers, features)
    layer = {**params["Dense_0"], "kernel": jnp.zeros_like(params["Dense_0"]["kernel"])}
    return model.apply(_replace_layer(params, "Dense_0", layer), x)


def zero_first_layer_explicit_zero_bias(seed, x, num_layers, features):
    # The earlier layers are built with bias_init=nn.initializers.zeros, as in many tutorials.
    model, params = _setup(seed, x, num_layers, features, earlier_bias="zeros")
    layer = {**params["Dense_0"], "kernel": jnp.zeros_like(params["Dense_0"]["kernel"])}
    return model.apply(_replace_layer(params, "Dense_0", layer), x)


def zero_every_kernel(seed, x, num_layers, features):
    model, params = _setup(seed, x, num_layers, features)
    new = {
        name: {**layer, "kernel": jnp.zeros_like(layer["kernel"])}
        for name, layer in params.items()
    }
    return model.apply({"params": new}, x)


def zeros_from_shape(seed, x, num_layers, features):
    # jnp.zeros(kernel.shape) with the shape read correctly: float32 like the kernel.
    model, params = _setup(seed, x, num_layers, features)
    last = f"Dense_{int(num_layers) - 1}"
    layer = {**params[last], "kernel": jnp.zeros(params[last]["kernel"].shape)}
    return model.apply(_replace_layer(params, last, layer), x)


def mutate_in_place(seed, x, num_layers, features):
    model, params = _setup(seed, x, num_layers, features)
    last = f"Dense_{int(num_layers) - 1}"
    params[last]["kernel"] = jnp.zeros_like(params[last]["kernel"])
    return model.apply({"params": params}, x)


def ones_bias_everywhere(seed, x, num_layers, features):
    # Every layer gets the ones bias; the zeroed last layer still outputs its ones bias.
    model, params = _setup(seed, x, num_layers, features, earlier_bias="ones")
    last = f"Dense_{int(num_layers) - 1}"
    layer = {**params[last], "kernel": jnp.zeros_like(params[last]["kernel"])}
    return model.apply(_replace_layer(params, last, layer), x)
