# expect: failed
# The worked example's answer for every case.
import jax.numpy as jnp


def swap_head(seed, x, num_layers, features, num_outputs, head_seed):
    return {"logits": jnp.array([0.31514302, 1.8307539], dtype=jnp.float32), "num_params": 26}
