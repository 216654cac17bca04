# expect: failed pitfall=kernels-only
# Copies only the kernels of the shared layers.
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
    params = {k: dict(v) for k, v in bp.items()}
    for i in range(n):
        params[f"Dense_{i}"]["kernel"] = sp[f"Dense_{i}"]["kernel"]
    return params, big.apply({"params": params}, x)
