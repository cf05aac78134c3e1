"""``ft.linalg``: ``numpy.linalg`` / ``jax.numpy.linalg``, differentiable and batched.

Every function accepts stacks of matrices ``(..., m, n)`` and computes one result per
matrix, as NumPy does. Integer inputs become the default float dtype. See
``funtorch/linalg/README.md`` for the guarantees (derivatives at singular and degenerate
points) and for what is left out: nothing of ``jax.numpy.linalg``; ``eig``/``eigvals``
accept real spectra only (real rules). The SciPy spellings (``lu``,
``solve_triangular``, ``expm``, ...) are in ``ft.scipy.linalg``.
"""

from funtorch.linalg.basic import cholesky, det, inv, slogdet, solve, svd
from funtorch.linalg.norms import cond, matrix_norm, norm, vector_norm
from funtorch.linalg.products import (
    cross, diagonal, matmul, matrix_power, matrix_transpose, multi_dot, outer, tensordot,
    tensorinv, tensorsolve, trace, vecdot,
)
from funtorch.ops.decomp_householder import householder_product
from funtorch.linalg.spectral import (
    eig, eigh, eigvals, eigvalsh, lstsq, matrix_rank, pinv, qr, svdvals,
)

__all__ = [
    "cholesky", "cond", "cross", "det", "diagonal", "eig", "eigh", "eigvals", "eigvalsh",
    "householder_product", "inv", "lstsq", "matmul", "matrix_norm", "matrix_power",
    "matrix_rank", "matrix_transpose", "multi_dot", "norm", "outer", "pinv", "qr", "slogdet",
    "solve", "svd", "svdvals", "tensordot", "tensorinv", "tensorsolve", "trace", "vecdot",
    "vector_norm",
]
