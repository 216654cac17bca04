# expect: passed
import jax
import jax.numpy as jnp
from flax import nnx


def state_zero_kernel(seed, x, features):
    f = int(features)
    model = nnx.Linear(in_features=x.shape[-1], out_features=f,
                       rngs=nnx.Rngs(params=int(seed)))
    model.bias.value = jnp.ones(f)          # deprecated setter, still works

    graphdef, state = nnx.split(model)
    zeroed = jax.tree.map_with_path(
        lambda p, a: jnp.zeros(a.shape, a.dtype)
        if any(getattr(k, "key", None) == "kernel" for k in p) else a,
        state,
    )
    new_model = nnx.merge(graphdef, zeroed)
    return new_model(x)
