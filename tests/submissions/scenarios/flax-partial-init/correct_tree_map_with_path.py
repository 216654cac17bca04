# expect: passed
# Picks each leaf from the small tree when its layer exists there, with a tree map over paths.
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
    def pick(path, leaf):
        name = path[0].key
        return sp[name][path[1].key] if name in sp else leaf

    params = jax.tree_util.tree_map_with_path(pick, bp)
    return params, big.apply({"params": params}, x)
