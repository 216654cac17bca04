"""Reference solution for flax-surgery-freeze."""

import jax
import jax.numpy as jnp
import flax.linen as nn


class MLP(nn.Module):
    num_layers: int

    @nn.compact
    def __call__(self, x):
        for _ in range(self.num_layers):
            x = nn.Dense(x.shape[-1])(x)
        return x


def masked_sgd_step(seed, x, num_layers, freeze, lr):
    model = MLP(int(num_layers))
    params = model.init(jax.random.key(int(seed)), x)["params"]

    def loss(params):
        return jnp.mean(model.apply({"params": params}, x) ** 2)

    grads = jax.grad(loss)(params)
    # Dense_i is frozen when freeze[i] == 1.0: its whole subtree of gradients becomes zeros
    grads = {
        name: jax.tree_util.tree_map(jnp.zeros_like, g) if freeze[int(name.removeprefix("Dense_"))] == 1.0 else g
        for name, g in grads.items()
    }
    return jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads)
