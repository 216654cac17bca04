"""Known mistakes for nnx-surgery-transplant, each with the entry point's signature."""

from flax import nnx


def _build(seed, x, num_layers, features):
    rngs = nnx.Rngs(int(seed))
    sizes = [x.shape[-1]] + [int(features)] * int(num_layers)
    return nnx.List([nnx.Linear(sizes[i], sizes[i + 1], rngs=rngs) for i in range(int(num_layers))])


def _forward(layers, x):
    for layer in layers:
        x = layer(x)
    return x


def _models(seed_a, seed_b, x, num_layers, features):
    return _build(seed_a, x, num_layers, features), _build(seed_b, x, num_layers, features)


def _flip(layer):
    layer.kernel[...] = -layer.kernel[...]


def shares_layer_with_a(seed_a, seed_b, x, num_layers, features, layer):
    """b.layers[i] = a.layers[i]: one module in two models."""
    a, b = _models(seed_a, seed_b, x, num_layers, features)
    b[int(layer)] = a[int(layer)]
    _flip(a[int(layer)])
    return _forward(a, x), _forward(b, x)


def kernel_only(seed_a, seed_b, x, num_layers, features, layer):
    a, b = _models(seed_a, seed_b, x, num_layers, features)
    b[int(layer)].kernel[...] = a[int(layer)].kernel[...]
    _flip(a[int(layer)])
    return _forward(a, x), _forward(b, x)


def copied_whole_model(seed_a, seed_b, x, num_layers, features, layer):
    a, b = _models(seed_a, seed_b, x, num_layers, features)
    b = nnx.clone(a)
    _flip(a[int(layer)])
    return _forward(a, x), _forward(b, x)


def copied_b_into_a(seed_a, seed_b, x, num_layers, features, layer):
    a, b = _models(seed_a, seed_b, x, num_layers, features)
    a[int(layer)].kernel[...] = b[int(layer)].kernel[...]
    a[int(layer)].bias[...] = b[int(layer)].bias[...]
    _flip(a[int(layer)])
    return _forward(a, x), _forward(b, x)


def nothing_transplanted(seed_a, seed_b, x, num_layers, features, layer):
    a, b = _models(seed_a, seed_b, x, num_layers, features)
    _flip(a[int(layer)])
    return _forward(a, x), _forward(b, x)


def a_left_unchanged(seed_a, seed_b, x, num_layers, features, layer):
    a, b = _models(seed_a, seed_b, x, num_layers, features)
    b[int(layer)].kernel[...] = a[int(layer)].kernel[...]
    b[int(layer)].bias[...] = a[int(layer)].bias[...]
    return _forward(a, x), _forward(b, x)


def transplanted_last_layer(seed_a, seed_b, x, num_layers, features, layer):
    a, b = _models(seed_a, seed_b, x, num_layers, features)
    b[-1].kernel[...] = a[-1].kernel[...]
    b[-1].bias[...] = a[-1].bias[...]
    _flip(a[int(layer)])
    return _forward(a, x), _forward(b, x)
