# expect: failed pitfall=wrong-layer-name
# Builds the MLP as described and applies it with the parameters init gave, untouched.
import jax
import flax.linen as nn


class MLP(nn.Module):
    num_layers: int
    features: int

    @nn.compact
    def __call__(self, x):
        for i in range(self.num_layers):
            last = i == self.num_layers - 1
            x = nn.Dense(self.features, bias_init=nn.initializers.ones if last else nn.initializers.zeros)(x)
        return x


def zero_last_dense_kernel(seed, x, num_layers, features):
    model = MLP(int(num_layers), int(features))
    return model.apply(model.init(jax.random.PRNGKey(int(seed)), x), x)
