# expect: failed
# Skips the model: x for both outputs and the parameter count from a formula.
def rezero_net(seed, x, num_blocks, gate):
    d = x.shape[-1]
    return x, x, int(num_blocks) * (2 * d * d + 2 * d + 1)
