# expect: error pitfall=float-in-range
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
    # Bug: num_layers and features stay floats; only the seed is cast.
    model = MLP(num_layers, features)
    params = model.init(jax.random.PRNGKey(int(seed)), x)["params"]
    name = f"Dense_{int(num_layers) - 1}"
    new_params = {**params, name: {**params[name], "kernel": jnp.zeros_like(params[name]["kernel"])}}
    return model.apply({"params": new_params}, x)
