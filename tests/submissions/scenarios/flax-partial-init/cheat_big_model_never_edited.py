# expect: failed pitfall=big-model-unchanged
# Initialises the big model and returns it untouched.
import jax
import flax.linen as nn


class MLP(nn.Module):
    num_layers: int
    features: int

    @nn.compact
    def __call__(self, x):
        for _ in range(self.num_layers):
            x = nn.Dense(self.features)(x)
        return x


def warm_start(seed_small, seed_big, x, small_layers, big_layers, features):
    big = MLP(int(big_layers), int(features))
    bp = big.init(jax.random.key(int(seed_big)), x)["params"]
    return bp, big.apply({"params": bp}, x)
