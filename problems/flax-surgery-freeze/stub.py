import jax
import jax.numpy as jnp
import flax.linen as nn


def masked_sgd_step(seed, x, num_layers, freeze, lr):
    """A Linen MLP of num_layers nn.Dense(x.shape[-1]) layers (no activation), initialised with
    jax.random.key(seed). With loss(params) = mean(apply(params, x) ** 2), take the gradient,
    zero the gradients of every Dense_i with freeze[i] == 1.0, and return the params dict after
    one SGD step p - lr * g: {"Dense_0": {"bias": ..., "kernel": ...}, ...}.

    seed and num_layers arrive as Python floats; lr is a float; freeze is a float32 array of
    shape (num_layers,) holding 0.0 and 1.0; x is a float32 jax.Array of shape (d,) or (batch, d).
    """
    raise NotImplementedError
