# expect: passed
import jax
import jax.numpy as jnp
import flax.linen as nn


class Tower(nn.Module):
    num_layers: int
    features: int

    def setup(self):
        self.layers = [
            nn.Dense(
                self.features,
                bias_init=nn.initializers.ones
                if i == self.num_layers - 1
                else nn.initializers.zeros,
            )
            for i in range(self.num_layers)
        ]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def zero_last_dense_kernel(seed, x, num_layers, features):
    n = int(num_layers)
    tower = Tower(n, int(features))
    params = tower.init(jax.random.PRNGKey(int(seed)), x)["params"]
    # setup() names list entries layers_0, layers_1, ...
    name = f"layers_{n - 1}"
    new_params = dict(params)
    new_params[name] = dict(params[name], kernel=jnp.zeros_like(params[name]["kernel"]))
    return tower.apply({"params": new_params}, x)
