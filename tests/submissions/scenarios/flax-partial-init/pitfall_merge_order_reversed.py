# expect: failed pitfall=big-model-unchanged
# Merges with the big tree last, so the big values win everywhere.
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
    n, m, f = int(small_layers), int(big_layers), int(features)
    small, big = MLP(n, f), MLP(m, f)
    sp = small.init(jax.random.key(int(seed_small)), x)["params"]
    bp = big.init(jax.random.key(int(seed_big)), x)["params"]
    params = {**sp, **bp}
    return params, big.apply({"params": params}, x)
