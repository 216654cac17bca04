# expect: passed
# Older PRNGKey style; a path-aware tree map rewrites only the kernel leaf.
import jax
import jax.numpy as jnp
import flax.linen as nn


def replace_dense_kernel(seed, x, features, replacement_value):
    model = nn.Dense(features=int(features))
    variables = model.init(jax.random.PRNGKey(int(seed)), x)

    def fill(path, leaf):
        if jax.tree_util.keystr(path).endswith("['kernel']"):
            return jnp.full(leaf.shape, replacement_value, leaf.dtype)
        return leaf

    return model.apply(jax.tree_util.tree_map_with_path(fill, variables), x)
