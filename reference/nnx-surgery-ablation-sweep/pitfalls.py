"""Known mistakes for nnx-surgery-ablation-sweep, each with the entry point's signature."""

import jax.numpy as jnp
from flax import nnx


def _layers(seed, x, num_layers):
    rngs = nnx.Rngs(int(seed))
    return nnx.List([nnx.Linear(x.shape[-1], x.shape[-1], rngs=rngs) for _ in range(int(num_layers))])


def _forward(layers, x):
    h = x
    for layer in layers:
        h = h + nnx.relu(layer(h))
    return h


def _sweep(layers, x, measure, restore=True, also_bias=False, count=None):
    baseline_out = _forward(layers, x)
    norms = []
    for layer in list(layers)[:count]:
        saved_k, saved_b = layer.kernel[...], layer.bias[...]
        layer.kernel[...] = jnp.zeros_like(saved_k)
        if also_bias:
            layer.bias[...] = jnp.zeros_like(saved_b)
        norms.append(measure(_forward(layers, x), baseline_out))
        if restore:
            layer.kernel[...] = saved_k
            layer.bias[...] = saved_b
    return {"baseline": jnp.linalg.norm(baseline_out), "ablated": jnp.stack(norms)}


def _norm(out, baseline_out):
    return jnp.linalg.norm(out)


def kernels_not_restored(seed, x, num_layers):
    return _sweep(_layers(seed, x, num_layers), x, _norm, restore=False)


def bias_zeroed_too(seed, x, num_layers):
    return _sweep(_layers(seed, x, num_layers), x, _norm, also_bias=True)


def last_layer_skipped(seed, x, num_layers):
    return _sweep(_layers(seed, x, num_layers), x, _norm, count=int(num_layers) - 1)


def squared_norms(seed, x, num_layers):
    out = _sweep(_layers(seed, x, num_layers), x, lambda y, b: jnp.sum(y ** 2))
    out["baseline"] = out["baseline"] ** 2
    return out


def norm_of_change(seed, x, num_layers):
    return _sweep(_layers(seed, x, num_layers), x, lambda y, b: jnp.linalg.norm(y - b))


def nothing_ablated(seed, x, num_layers):
    layers = _layers(seed, x, num_layers)
    norm = jnp.linalg.norm(_forward(layers, x))
    return {"baseline": norm, "ablated": jnp.stack([norm] * int(num_layers))}


def no_skip_connection(seed, x, num_layers):
    """h = relu(layer(h)): a plain MLP, in which an ablated layer cuts the signal off."""
    layers = _layers(seed, x, num_layers)

    def forward(h):
        for layer in layers:
            h = nnx.relu(layer(h))
        return h

    base = jnp.linalg.norm(forward(x))
    norms = []
    for layer in layers:
        saved = layer.kernel[...]
        layer.kernel[...] = jnp.zeros_like(saved)
        norms.append(jnp.linalg.norm(forward(x)))
        layer.kernel[...] = saved
    return {"baseline": base, "ablated": jnp.stack(norms)}
