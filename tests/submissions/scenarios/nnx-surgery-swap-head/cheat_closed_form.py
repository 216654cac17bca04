# expect: failed
# Count from the shapes and zero logits: no model at all.
import jax.numpy as jnp


def swap_head(seed, x, num_layers, features, num_outputs, head_seed):
    d, n, f, k = x.shape[-1], int(num_layers), int(features), int(num_outputs)
    width = d if n == 1 else f
    count = (d * f + f if n > 1 else 0) + max(n - 2, 0) * (f * f + f) + width * k + k
    return {"logits": jnp.zeros(x.shape[:-1] + (k,), jnp.float32), "num_params": count}
