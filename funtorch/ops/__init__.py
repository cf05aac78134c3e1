"""All primitives and the public array functions, one file per family.

Importing this package declares every primitive (``Primitive.registry``) and
attaches operators and methods to :class:`funtorch.Array` (``methods.py``).
"""

from funtorch.ops.creation import (  # noqa: F401
    arange, array, asarray, empty, eye, from_numpy, full, full_like,
    linspace, ones, ones_like, tensor, zeros, zeros_like,
)
from funtorch.ops.elementwise import (  # noqa: F401
    abs, add, arccos, arcsin, arctan, arctan2, ceil, cos, cosh, divide, erf, exp, expm1, floor,
    floor_divide, log, log1p, logaddexp, maximum, minimum, mod, multiply, negative, power,
    reciprocal, relu, round, sigmoid, sign, sin, sinh, sqrt, square, subtract, tan, tanh,
)
from funtorch.ops.logic import (  # noqa: F401
    astype, bitwise_and, bitwise_or, bitwise_xor, clamp, clip, equal, greater, greater_equal,
    invert, isfinite, isinf, isnan, less, less_equal, logical_and, logical_not, logical_or,
    logical_xor, not_equal, stop_gradient, where,
)
from funtorch.ops.reductions import (  # noqa: F401
    all, any, argmax, argmin, cumsum, logsumexp, max, mean, min, normalize_axis, prod, std,
    sum, var,
)
from funtorch.ops.shape import (  # noqa: F401
    broadcast_to, expand_dims, flip, moveaxis, permute, reshape, squeeze, swapaxes, transpose,
    unsqueeze, view,
)
from funtorch.ops.linalg import (  # noqa: F401
    bmm, dot, einsum, inner, matmul, mm, outer, tensordot,
)
from funtorch.ops.indexing import nonzero, take, take_along_axis  # noqa: F401
from funtorch.ops import scatter as _scatter  # noqa: F401  (attaches Array.at)
from funtorch.ops.structure import (  # noqa: F401
    cat, concatenate, diag, pad, repeat, stack, tile, trace, tril, triu,
)
from funtorch.ops.sorting import argsort, sort  # noqa: F401
from funtorch.ops.splitting import split  # noqa: F401
from funtorch.ops.windows import sliding_window_view  # noqa: F401
from funtorch.ops.transfer import device_put  # noqa: F401
from funtorch.ops.numpy_math import *  # noqa: F401,F403
from funtorch.ops.linalg_extra import *  # noqa: F401,F403
from funtorch.ops.numpy_arrays import *  # noqa: F401,F403
from funtorch.ops.torch_functions import *  # noqa: F401,F403
from funtorch.ops.inplace import *  # noqa: F401,F403,E402  (x.add_(1), x += 1, ft.exp_(x))
from funtorch.ops import methods  # noqa: F401,E402  (attaches Array operators last)

import types as _types

__all__ = sorted(name for name, value in globals().items()
                 if not name.startswith("_") and not isinstance(value, _types.ModuleType)
                 and name not in {"annotations", "normalize_axis"})
