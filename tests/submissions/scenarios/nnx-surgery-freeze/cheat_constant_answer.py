# expect: failed
# Does no work: a zero where the frozen layer is, ones elsewhere, and a zero loss.
import jax.numpy as jnp


def freeze_and_step(seed, x, num_layers, frozen, lr):
    moved = jnp.ones((int(num_layers),)).at[int(frozen)].set(0.0)
    return moved, jnp.zeros(())
