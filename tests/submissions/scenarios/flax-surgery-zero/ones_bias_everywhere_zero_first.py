# expect: failed
# Two mistakes that are harmless alone combine into a wrong output: every layer has the
# ones bias, and the FIRST kernel is zeroed, so the later random kernels see a ones vector.
import jax
import jax.numpy as jnp
import flax.linen as nn


class MLP(nn.Module):
    num_layers: int
    features: int

    @nn.compact
    def __call__(self, x):
        for _ in range(self.num_layers):
            x = nn.Dense(self.features, bias_init=nn.initializers.ones)(x)
        return x


def zero_last_dense_kernel(seed, x, num_layers, features):
    model = MLP(int(num_layers), int(features))
    params = model.init(jax.random.PRNGKey(int(seed)), x)["params"]
    first = params["Dense_0"]
    new_params = {**params, "Dense_0": {**first, "kernel": jnp.zeros_like(first["kernel"])}}
    return model.apply({"params": new_params}, x)
