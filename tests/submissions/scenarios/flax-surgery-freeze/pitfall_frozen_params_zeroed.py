# expect: failed pitfall=frozen-params-zeroed
# Steps every layer, then zeros the frozen layers' parameters.
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

    new = jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads)
    return {name: jax.tree_util.tree_map(jnp.zeros_like, v) if freeze[int(name[-1])] == 1.0 else v
            for name, v in new.items()}
