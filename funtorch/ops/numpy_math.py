"""NumPy/JAX elementwise maths, reductions and statistics beyond the core families
(``log2``, ``arcsinh``, ``hypot``, ``nan*`` reductions, ``cumprod``, ``median``, ...).

The public names are collected in ``__all__`` and re-exported as ``funtorch.<name>``.
The code lives in ``math_*.py``, one family per file.
"""

from funtorch.ops.math_elementwise import (  # noqa: F401
    absolute, acos, acosh, arccosh, arcsinh, arctanh, around, asin, asinh, atan, atan2, atanh,
    cbrt, exp2, fabs, fmod, hypot, i0, log10, log2, logaddexp2, positive, pow, remainder, rint,
    signbit, sinc, true_divide, trunc, unwrap,
)
from funtorch.ops.math_real import (  # noqa: F401
    angle, complex, conj, conjugate, copysign, deg2rad, degrees, float_power, fmax, fmin,
    heaviside, imag, iscomplex, iscomplexobj, isneginf, isposinf, isreal, isrealobj, nan_to_num,
    rad2deg, radians, real,
)
from funtorch.ops.math_bits import (  # noqa: F401
    bitwise_count, bitwise_invert, bitwise_left_shift, bitwise_not, bitwise_right_shift,
    divmod, frexp, gcd, lcm, ldexp, left_shift, modf, nextafter, right_shift, spacing,
)
from funtorch.ops.math_reductions import (  # noqa: F401
    cumprod, cumulative_prod, cumulative_sum, diff, ediff1d, gradient, trapezoid,
)
from funtorch.ops.math_compare import (  # noqa: F401
    allclose, amax, amin, array_equal, array_equiv, average, count_nonzero, isclose, ptp,
)
from funtorch.ops.math_stats import (  # noqa: F401
    corrcoef, convolve, correlate, cov, median, percentile, quantile,
)
from funtorch.ops.math_nan import (  # noqa: F401
    nanargmax, nanargmin, nancumprod, nancumsum, nanmax, nanmean, nanmedian, nanmin,
    nanpercentile, nanprod, nanquantile, nanstd, nansum, nanvar,
)
from funtorch.ops.math_poly import (  # noqa: F401
    poly, polyadd, polyder, polydiv, polyint, polymul, polysub, polyval, roots, vander,
)
from funtorch.ops.math_polyfit import polyfit  # noqa: F401

# static: tools/static_all.py writes this list (tests/test_typing.py checks it)
__all__ = [
    "absolute", "acos", "acosh", "allclose", "amax", "amin", "angle", "arccosh", "arcsinh",
    "arctanh", "around", "array_equal", "array_equiv", "asin", "asinh", "atan", "atan2", "atanh",
    "average", "bitwise_count", "bitwise_invert", "bitwise_left_shift", "bitwise_not",
    "bitwise_right_shift", "cbrt", "complex", "conj", "conjugate", "convolve", "copysign",
    "corrcoef", "correlate", "count_nonzero", "cov", "cumprod", "cumulative_prod",
    "cumulative_sum", "deg2rad", "degrees", "diff", "divmod", "ediff1d", "exp2", "fabs",
    "float_power", "fmax", "fmin", "fmod", "frexp", "gcd", "gradient", "heaviside", "hypot", "i0",
    "imag", "isclose", "iscomplex", "iscomplexobj", "isneginf", "isposinf", "isreal", "isrealobj",
    "lcm", "ldexp", "left_shift", "log10", "log2", "logaddexp2", "median", "modf", "nan_to_num",
    "nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian",
    "nanmin", "nanpercentile", "nanprod", "nanquantile", "nanstd", "nansum", "nanvar",
    "nextafter", "percentile", "poly", "polyadd", "polyder", "polydiv", "polyfit", "polyint",
    "polymul", "polysub", "polyval", "positive", "pow", "ptp", "quantile", "rad2deg", "radians",
    "real", "remainder", "right_shift", "rint", "roots", "signbit", "sinc", "spacing",
    "trapezoid", "true_divide", "trunc", "unwrap", "vander",
]
