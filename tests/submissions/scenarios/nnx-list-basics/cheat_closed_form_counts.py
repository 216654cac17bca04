# expect: failed pitfall=closed-form-counts
# Counts from the shapes, no model at all, zeros for the norms.
import jax.numpy as jnp


def layer_param_stats(seed, x, num_layers, features):
    n, f, d = int(num_layers), int(features), x.shape[-1]
    counts = [d * f + f] + [f * f + f] * (n - 1)
    return {"counts": jnp.array(counts, dtype=jnp.int32), "norms": jnp.zeros((n,), jnp.float32)}
