# expect: error pitfall=copied-past-small
# Loops over the big model's layers and looks each one up in the small tree.
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
    params = dict(bp)
    for i in range(m):
        params[f"Dense_{i}"] = sp[f"Dense_{i}"]
    return params, big.apply({"params": params}, x)
