# expect: passed
# Labels each layer and lets optax.multi_transform apply sgd or set_to_zero.
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

    import optax

    labels = {f"Dense_{i}": jax.tree_util.tree_map(lambda _: "frozen" if freeze[i] == 1.0 else "train", params[f"Dense_{i}"])
              for i in range(n)}
    tx = optax.multi_transform({"train": optax.sgd(lr), "frozen": optax.set_to_zero()}, labels)
    updates, _ = tx.update(grads, tx.init(params), params)
    return optax.apply_updates(params, updates)
