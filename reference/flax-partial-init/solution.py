"""Reference solution for flax-partial-init."""

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
    small_layers, big_layers, features = int(small_layers), int(big_layers), int(features)
    small = MLP(small_layers, features)
    big = MLP(big_layers, features)
    small_params = small.init(jax.random.key(int(seed_small)), x)["params"]
    big_params = big.init(jax.random.key(int(seed_big)), x)["params"]

    params = dict(big_params)
    for i in range(small_layers):
        params[f"Dense_{i}"] = small_params[f"Dense_{i}"]

    return params, big.apply({"params": params}, x)
