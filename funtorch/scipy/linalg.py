"""``scipy.linalg`` / ``jax.scipy.linalg`` spellings over ``funtorch.linalg``."""

from funtorch.linalg import *  # noqa: F401,F403
