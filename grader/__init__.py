"""An interactive problem-set grader for JAX and Flax.

Kept free of heavy imports: worker processes import this package before anything else.
"""

__version__ = "0.1.0"
