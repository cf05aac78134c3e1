"""``scipy.linalg`` / ``jax.scipy.linalg`` spellings over ``funtorch.linalg``.

The NumPy-named functions come from ``ft.linalg``; the SciPy ones (with SciPy's
signatures where they differ, e.g. ``cholesky`` is upper by default, ``eigh`` reads one
triangle and takes ``b``, ``qr`` has ``mode='full'``) from
``funtorch/linalg/scipy_linalg.py`` and ``funtorch/linalg/special_matrices.py``.
Left out: ``dft`` (complex entries; funtorch has no complex dtypes).
"""

from funtorch.linalg import *  # noqa: F401,F403
from funtorch.linalg.scipy_linalg import *  # noqa: F401,F403
from funtorch.linalg.special_matrices import *  # noqa: F401,F403
