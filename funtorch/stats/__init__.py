"""Probability distributions, as ``scipy.stats`` and ``jax.scipy.stats`` spell them."""
