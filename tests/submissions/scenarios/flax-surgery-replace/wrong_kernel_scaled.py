# expect: failed pitfall=kernel-scaled
import jax
import flax.linen as nn


def replace_dense_kernel(seed, x, features, replacement_value):
    model = nn.Dense(int(features))
    params = model.init(jax.random.key(int(seed)), x)["params"]
    return model.apply({"params": {**params, "kernel": params["kernel"] * replacement_value}}, x)
