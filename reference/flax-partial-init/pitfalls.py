"""Known mistakes for flax-partial-init, each with the entry point's signature."""

import jax
import flax.linen as nn


class _MLP(nn.Module):
    num_layers: int
    features: int

    @nn.compact
    def __call__(self, x):
        for _ in range(self.num_layers):
            x = nn.Dense(self.features)(x)
        return x


def _init(seed, x, layers, features):
    model = _MLP(int(layers), int(features))
    return model, model.init(jax.random.key(int(seed)), x)["params"]


def _both(seed_small, seed_big, x, small_layers, big_layers, features):
    _, small = _init(seed_small, x, small_layers, features)
    big_model, big = _init(seed_big, x, big_layers, features)
    return small, big_model, big


def big_model_unchanged(seed_small, seed_big, x, small_layers, big_layers, features):
    """{**small, **big}: the big model's values win, so nothing of the small one survives."""
    small, model, big = _both(seed_small, seed_big, x, small_layers, big_layers, features)
    params = {**small, **big}
    return params, model.apply({"params": params}, x)


def kernels_only(seed_small, seed_big, x, small_layers, big_layers, features):
    small, model, big = _both(seed_small, seed_big, x, small_layers, big_layers, features)
    params = {k: dict(v) for k, v in big.items()}
    for i in range(int(small_layers)):
        params[f"Dense_{i}"]["kernel"] = small[f"Dense_{i}"]["kernel"]
    return params, model.apply({"params": params}, x)


def one_layer_short(seed_small, seed_big, x, small_layers, big_layers, features):
    small, model, big = _both(seed_small, seed_big, x, small_layers, big_layers, features)
    params = dict(big)
    for i in range(int(small_layers) - 1):
        params[f"Dense_{i}"] = small[f"Dense_{i}"]
    return params, model.apply({"params": params}, x)


def overlaid_last_layers(seed_small, seed_big, x, small_layers, big_layers, features):
    """The small layers land on the big model's last layers instead of its first ones."""
    small, model, big = _both(seed_small, seed_big, x, small_layers, big_layers, features)
    params = dict(big)
    offset = int(big_layers) - int(small_layers)
    for i in range(int(small_layers)):
        params[f"Dense_{i + offset}"] = small[f"Dense_{i}"]
    return params, model.apply({"params": params}, x)


def big_from_small_seed(seed_small, seed_big, x, small_layers, big_layers, features):
    """No merge: the big model initialised with the small one's key (its first layers match)."""
    model, params = _init(seed_small, x, big_layers, features)
    return params, model.apply({"params": params}, x)


def output_of_small_model(seed_small, seed_big, x, small_layers, big_layers, features):
    small, model, big = _both(seed_small, seed_big, x, small_layers, big_layers, features)
    params = {**big, **small}
    small_model = _MLP(int(small_layers), int(features))
    return params, small_model.apply({"params": small}, x)
