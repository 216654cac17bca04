# expect: failed pitfall=last-bias-zero
import jax
import jax.numpy as jnp
import flax.linen as nn


class MLP(nn.Module):
    num_layers: int
    features: int

    @nn.compact
    def __call__(self, x):
        for i in range(self.num_layers):
            # Bug: tests for the first layer instead of the last one.
            bias_init = nn.initializers.ones if i == 0 else nn.initializers.zeros
            x = nn.Dense(self.features, bias_init=bias_init)(x)
        return x


def zero_last_dense_kernel(seed, x, num_layers, features):
    n = int(num_layers)
    model = MLP(n, int(features))
    params = model.init(jax.random.PRNGKey(int(seed)), x)["params"]
    name = f"Dense_{n - 1}"
    new_params = {**params, name: {**params[name], "kernel": jnp.zeros_like(params[name]["kernel"])}}
    return model.apply({"params": new_params}, x)
