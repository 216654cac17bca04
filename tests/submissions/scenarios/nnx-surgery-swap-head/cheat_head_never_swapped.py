# expect: failed pitfall=head-not-swapped
# Builds the model and reports it as it is: the old head is never replaced.
import jax
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    """Linear layers applied one after another, no activation; initial kernels scaled by depth."""

    def __init__(self, in_features, num_layers, features, *, rngs):
        sizes = [in_features] + [features] * num_layers
        init = nnx.initializers.variance_scaling(1.0 / num_layers, "fan_in", "truncated_normal")
        self.layers = nnx.List(
            [nnx.Linear(sizes[i], sizes[i + 1], kernel_init=init, rngs=rngs) for i in range(num_layers)]
        )

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def swap_head(seed, x, num_layers, features, num_outputs, head_seed):
    model = MLP(x.shape[-1], int(num_layers), int(features), rngs=nnx.Rngs(int(seed)))
    return {"logits": model(x), "num_params": sum(a.size for a in jax.tree.leaves(nnx.state(model)))}
