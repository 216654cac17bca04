# expect: error pitfall=num-layers-not-cast
# Hands the float num_layers to the module, whose loop calls range() on it.
import jax
import jax.numpy as jnp
import flax.linen as nn


class MLP(nn.Module):
    num_layers: int

    @nn.compact
    def __call__(self, x):
        for _ in range(self.num_layers):
            x = nn.Dense(x.shape[-1])(x)
        return x


def masked_sgd_step(seed, x, num_layers, freeze, lr):
    model = MLP(num_layers)
    return model.init(jax.random.key(int(seed)), x)["params"]
