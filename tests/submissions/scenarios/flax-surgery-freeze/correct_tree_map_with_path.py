# expect: passed
# Scales every gradient by 1 - freeze[i], with i read from the leaf's path.
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
    n = int(num_layers)
    model = MLP(n)
    params = model.init(jax.random.key(int(seed)), x)["params"]
    grads = jax.grad(lambda p: jnp.mean(model.apply({"params": p}, x) ** 2))(params)

    def mask(path, g):
        i = int(path[0].key.split("_")[1])
        return g * (1.0 - freeze[i])

    grads = jax.tree_util.tree_map_with_path(mask, grads)
    return jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads)
