# expect: passed
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

# Reads the head's input width from its kernel; counts through nnx.split.

def swap_head(seed, x, num_layers, features, num_outputs, head_seed):
    model = MLP(x.shape[-1], int(num_layers), int(features), rngs=nnx.Rngs(int(seed)))
    fan_in = model.layers[-1].kernel[...].shape[0]
    new_head = nnx.Linear(in_features=fan_in, out_features=int(num_outputs), rngs=nnx.Rngs(int(head_seed)))
    model.layers[len(model.layers) - 1] = new_head
    _, state = nnx.split(model)
    return {"num_params": int(sum(v.size for v in jax.tree_util.tree_leaves(state))), "logits": model(x)}
