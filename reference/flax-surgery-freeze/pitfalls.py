"""Known mistakes for flax-surgery-freeze, each with the entry point's signature."""

import jax
import jax.numpy as jnp
import flax.linen as nn


class _MLP(nn.Module):
    num_layers: int

    @nn.compact
    def __call__(self, x):
        for _ in range(self.num_layers):
            x = nn.Dense(x.shape[-1])(x)
        return x


def _setup(seed, x, num_layers, reduce=jnp.mean):
    model = _MLP(int(num_layers))
    params = model.init(jax.random.key(int(seed)), x)["params"]
    grads = jax.grad(lambda p: reduce(model.apply({"params": p}, x) ** 2))(params)
    return params, grads


def _masked(grads, frozen_names, leaves=("kernel", "bias")):
    return {name: {k: jnp.zeros_like(v) if name in frozen_names and k in leaves else v for k, v in g.items()}
            for name, g in grads.items()}


def _frozen(freeze, num_layers, value=1.0):
    return {f"Dense_{i}" for i in range(int(num_layers)) if freeze[i] == value}


def _step(params, grads, lr, sign=-1.0):
    return jax.tree_util.tree_map(lambda p, g: p + sign * lr * g, params, grads)


def mask_inverted(seed, x, num_layers, freeze, lr):
    params, grads = _setup(seed, x, num_layers)
    return _step(params, _masked(grads, _frozen(freeze, num_layers, 0.0)), lr)


def kernel_only_masked(seed, x, num_layers, freeze, lr):
    params, grads = _setup(seed, x, num_layers)
    return _step(params, _masked(grads, _frozen(freeze, num_layers), leaves=("kernel",)), lr)


def mask_ignored(seed, x, num_layers, freeze, lr):
    params, grads = _setup(seed, x, num_layers)
    return _step(params, grads, lr)


def gradient_ascent(seed, x, num_layers, freeze, lr):
    params, grads = _setup(seed, x, num_layers)
    return _step(params, _masked(grads, _frozen(freeze, num_layers)), lr, sign=1.0)


def no_step_taken(seed, x, num_layers, freeze, lr):
    params, _ = _setup(seed, x, num_layers)
    return params


def frozen_params_zeroed(seed, x, num_layers, freeze, lr):
    """The mask hits the parameters instead of their gradients."""
    params, grads = _setup(seed, x, num_layers)
    stepped = _step(params, grads, lr)
    return _masked(stepped, _frozen(freeze, num_layers))


def summed_loss(seed, x, num_layers, freeze, lr):
    params, grads = _setup(seed, x, num_layers, reduce=jnp.sum)
    return _step(params, _masked(grads, _frozen(freeze, num_layers)), lr)
