"""Special functions, as ``scipy.special`` and ``jax.scipy.special`` spell them."""
