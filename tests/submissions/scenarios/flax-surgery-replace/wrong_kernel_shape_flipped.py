# expect: error pitfall=kernel-shape-flipped
import jax
import jax.numpy as jnp
import flax.linen as nn


def replace_dense_kernel(seed, x, features, replacement_value):
    f = int(features)
    model = nn.Dense(f)
    params = model.init(jax.random.key(int(seed)), x)["params"]
    kernel = jnp.full((f, x.shape[-1]), replacement_value)  # (out, in), as in PyTorch
    return model.apply({"params": {**params, "kernel": kernel}}, x)
