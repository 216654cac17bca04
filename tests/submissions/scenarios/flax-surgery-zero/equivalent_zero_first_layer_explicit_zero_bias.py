# expect: passed
# Zeroes Dense_0 instead of the last layer, with the earlier biases built as explicit zeros: the
# known mistake zeroed-earlier-layer-zeros-bias, which no input or world can reveal.
import jax
import jax.numpy as jnp
import flax.linen as nn


class MLP(nn.Module):
    num_layers: int
    features: int

    @nn.compact
    def __call__(self, x):
        for i in range(self.num_layers):
            bias_init = nn.initializers.ones if i == self.num_layers - 1 else nn.initializers.zeros
            x = nn.Dense(self.features, bias_init=bias_init)(x)
        return x


def zero_last_dense_kernel(seed, x, num_layers, features):
    model = MLP(int(num_layers), int(features))
    params = model.init(jax.random.PRNGKey(int(seed)), x)["params"]
    first = params["Dense_0"]
    new_params = {**params, "Dense_0": {**first, "kernel": jnp.zeros_like(first["kernel"])}}
    return model.apply({"params": new_params}, x)
