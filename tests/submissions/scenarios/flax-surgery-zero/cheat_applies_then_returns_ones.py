# expect: failed
# Builds, initialises and applies the model for show, then returns ones instead of its output.
import jax
import jax.numpy as jnp
import flax.linen as nn


class MLP(nn.Module):
    num_layers: int
    features: int

    @nn.compact
    def __call__(self, x):
        for _ in range(self.num_layers):
            x = nn.Dense(self.features)(x)
        return x


def zero_last_dense_kernel(seed, x, num_layers, features):
    model = MLP(int(num_layers), int(features))
    variables = model.init(jax.random.PRNGKey(int(seed)), x)
    out = model.apply(variables, x)
    return jnp.ones_like(out)
