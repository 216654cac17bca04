# expect: error pitfall=layers-not-cast
# Passes the float layer counts to the module, whose loop calls range() on them.
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
    small, big = MLP(small_layers, int(features)), MLP(big_layers, int(features))
    sp = small.init(jax.random.key(int(seed_small)), x)["params"]
    bp = big.init(jax.random.key(int(seed_big)), x)["params"]
    params = {**bp, **sp}
    return params, big.apply({"params": params}, x)
