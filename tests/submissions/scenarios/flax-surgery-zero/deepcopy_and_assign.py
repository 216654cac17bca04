# expect: passed
import copy

import jax
import jax.numpy as jnp
import flax.linen as nn


class MLP(nn.Module):
    num_layers: int
    features: int

    @nn.compact
    def __call__(self, x):
        for i in range(self.num_layers):
            last = i == self.num_layers - 1
            x = nn.Dense(
                self.features,
                bias_init=nn.initializers.ones if last else nn.initializers.zeros,
            )(x)
        return x


def zero_last_dense_kernel(seed, x, num_layers, features):
    seed, num_layers, features = int(seed), int(num_layers), int(features)
    mlp = MLP(num_layers, features)
    original = mlp.init(jax.random.PRNGKey(seed), x)
    edited = copy.deepcopy(original)
    layer = edited["params"]["Dense_%d" % (num_layers - 1)]
    layer["kernel"] = jnp.zeros(layer["kernel"].shape, layer["kernel"].dtype)
    return mlp.apply(edited, x)
