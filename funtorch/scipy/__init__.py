"""``jax.scipy``'s layout: ``ft.scipy.special``, ``ft.scipy.stats``, ``ft.scipy.linalg``.

The same modules as ``ft.special``, ``ft.stats`` and ``ft.linalg`` (one implementation,
two spellings), so code written against ``jax.scipy`` ports by changing the import.
"""

from funtorch import special, stats  # noqa: F401
from funtorch.scipy import linalg  # noqa: F401
