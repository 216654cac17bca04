# expect: failed
# Skips the model: x @ noise is the change for a single layer, but later layers are ignored
# and no nnx.Linear ever runs.
import jax
import jax.numpy as jnp


def perturb_layer(seed, x, num_layers, features, layer, noise_seed, scale):
    d = x.shape[-1] if int(layer) == 0 else int(features)
    noise = scale * jax.random.normal(jax.random.key(int(noise_seed)), (d, int(features)))
    return x[..., :d] @ noise if d == x.shape[-1] else jnp.zeros(x.shape[:-1] + (int(features),))
