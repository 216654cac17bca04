# expect: failed pitfall=last-bias-zero
import jax
import jax.numpy as jnp
import flax.linen as nn


class MLP(nn.Module):
    num_layers: int
    features: int

    @nn.compact
    def __call__(self, x):
        for i in range(self.num_layers):
            bias_init = nn.initializers.ones if i == self.num_layers - 1 else nn.initializers.zeros
            x = nn.Dense(self.features, bias_init=bias_init)(x)
        return x


def zero_last_dense_kernel(seed, x, num_layers, features):
    n = int(num_layers)
    model = MLP(n, int(features))
    params = model.init(jax.random.PRNGKey(int(seed)), x)["params"]
    name = f"Dense_{n - 1}"
    layer = params[name]
    # Bug: both the kernel and the bias become zeros.
    new_params = {**params, name: {k: jnp.zeros_like(v) for k, v in layer.items()}}
    return model.apply({"params": new_params}, x)
