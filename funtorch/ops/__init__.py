"""All primitives and the public array functions, one file per family.

Importing this package declares every primitive (``Primitive.registry``) and
attaches operators and methods to :class:`funtorch.Array` (``methods.py``).
"""

from funtorch.ops.creation import (  # noqa: F401
    arange, array, as_tensor, asarray, empty, eye, from_numpy, full, full_like,
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

# static: tools/static_all.py writes this list (tests/test_typing.py checks it)
__all__ = [
    "abs", "abs_", "absolute", "acos", "acos_", "acosh", "acosh_", "add", "addbmm", "addcdiv",
    "addcmul", "addmm", "addmv", "addmv_", "addr", "adjoint", "all", "allclose", "amax", "amin",
    "aminmax", "angle", "any", "append", "apply_along_axis", "apply_over_axes", "arange",
    "arccos", "arccos_", "arccosh", "arccosh_", "arcsin", "arcsin_", "arcsinh", "arcsinh_",
    "arctan", "arctan2", "arctan_", "arctanh", "arctanh_", "argmax", "argmin", "argpartition",
    "argsort", "argwhere", "around", "array", "array_equal", "array_equiv", "array_split",
    "as_tensor", "asarray", "asin", "asin_", "asinh", "asinh_", "astype", "atan", "atan2",
    "atan_", "atanh", "atanh_", "atleast_1d", "atleast_2d", "atleast_3d", "average", "baddbmm",
    "bartlett", "bartlett_window", "batch_norm", "bernoulli", "binary_cross_entropy_with_logits",
    "bincount", "bitwise_and", "bitwise_count", "bitwise_invert", "bitwise_left_shift",
    "bitwise_not", "bitwise_or", "bitwise_right_shift", "bitwise_xor", "blackman",
    "blackman_window", "block", "block_diag", "bmm", "broadcast_arrays", "broadcast_shapes",
    "broadcast_tensors", "broadcast_to", "bucketize", "can_cast", "cartesian_prod", "cat", "cbrt",
    "cdist", "ceil", "ceil_", "celu", "cholesky", "cholesky_inverse", "cholesky_solve", "choose",
    "chunk", "clamp", "clamp_", "clamp_max", "clamp_max_", "clamp_min", "clamp_min_", "clip",
    "clip_", "clone", "column_stack", "combinations", "complex", "compress", "concat",
    "concatenate", "conj", "conjugate", "conv1d", "conv2d", "convolve", "copy", "copysign",
    "corrcoef", "correlate", "cos", "cos_", "cosh", "cosh_", "cosine_similarity", "count_nonzero",
    "cov", "cross", "cummax", "cummin", "cumprod", "cumsum", "cumulative_prod", "cumulative_sum",
    "cumulative_trapezoid", "deg2rad", "deg2rad_", "degrees", "delete", "det", "detach",
    "detach_", "device_put", "diag", "diag_embed", "diag_indices", "diag_indices_from",
    "diagflat", "diagonal", "diagonal_scatter", "diff", "digamma", "digitize", "dist", "div",
    "divide", "divmod", "dot", "dropout", "dsplit", "dstack", "ediff1d", "einsum", "embedding",
    "empty", "empty_like", "eq", "equal", "erf", "erf_", "erfc", "erfc_", "erfinv", "exp", "exp2",
    "exp2_", "exp_", "expand_dims", "expm1", "expm1_", "extract", "eye", "fabs", "fill", "fill_",
    "fill_diagonal", "fix", "fix_", "flatnonzero", "flatten", "flip", "fliplr", "flipud",
    "float_power", "floor", "floor_", "floor_divide", "fmax", "fmin", "fmod", "frac", "frac_",
    "frexp", "frobenius_norm", "from_numpy", "fromfunction", "full", "full_like", "gather", "gcd",
    "gcd_", "ge", "geomspace", "geqrf", "ger", "get_rng_state", "gradient", "greater",
    "greater_equal", "group_norm", "gt", "hamming", "hamming_window", "hann_window", "hanning",
    "hardshrink", "heaviside", "histc", "histogram", "histogram2d", "histogram_bin_edges",
    "histogramdd", "hsplit", "hstack", "hypot", "i0", "i0_", "identity", "igamma", "igammac",
    "imag", "index_add", "index_copy", "index_fill", "index_put", "index_reduce", "index_select",
    "indices", "initial_seed", "inner", "insert", "instance_norm", "interp", "intersect1d",
    "inverse", "invert", "is_floating_point", "is_grad_enabled", "is_tensor", "isclose",
    "iscomplex", "iscomplexobj", "isfinite", "isin", "isinf", "isnan", "isneginf", "isposinf",
    "isreal", "isrealobj", "isscalar", "issubdtype", "iterable", "ix_", "kaiser", "kaiser_window",
    "kl_div", "kron", "kthvalue", "layer_norm", "lcm", "lcm_", "ldexp", "le", "left_shift",
    "lerp", "less", "less_equal", "lexsort", "lgamma", "linspace", "log", "log10", "log10_",
    "log1p", "log1p_", "log2", "log2_", "log_", "log_softmax", "logaddexp", "logaddexp2",
    "logcumsumexp", "logdet", "logical_and", "logical_not", "logical_or", "logical_xor", "logit",
    "logit_", "logspace", "logsumexp", "lstsq", "lt", "lu", "mask_indices", "masked_fill",
    "masked_scatter", "masked_select", "matmul", "matrix_exp", "matrix_power", "matrix_rank",
    "matrix_transpose", "matvec", "max", "maximum", "mean", "median", "meshgrid", "min",
    "minimum", "mm", "mod", "mode", "modf", "moveaxis", "movedim", "msort", "mul", "multinomial",
    "multiply", "mv", "mvlgamma", "nan_to_num", "nan_to_num_", "nanargmax", "nanargmin",
    "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin", "nanpercentile",
    "nanprod", "nanquantile", "nanstd", "nansum", "nanvar", "narrow", "ndim", "ne", "neg", "neg_",
    "negative", "negative_", "nextafter", "nonzero", "norm", "normal", "not_equal", "numel",
    "ones", "ones_like", "orgqr", "ormqr", "outer", "packbits", "pad", "partition", "pdist",
    "percentile", "permute", "permute_dims", "piecewise", "pinverse", "pixel_shuffle",
    "pixel_unshuffle", "place", "poisson", "poly", "polyadd", "polyder", "polydiv", "polyfit",
    "polygamma", "polyint", "polymul", "polysub", "polyval", "positive", "pow", "power", "prelu",
    "prod", "promote_types", "ptp", "put", "put_along_axis", "qr", "quantile", "rad2deg",
    "rad2deg_", "radians", "rand_like", "randint_like", "randn_like", "randperm", "range",
    "ravel", "ravel_multi_index", "real", "reciprocal", "reciprocal_", "relu", "remainder",
    "repeat", "repeat_interleave", "reshape", "resize", "result_type", "right_shift", "rint",
    "rms_norm", "roll", "rollaxis", "roots", "rot90", "round", "round_", "row_stack", "rrelu",
    "rsqrt", "rsqrt_", "scatter", "scatter_add", "scatter_reduce", "searchsorted", "seed",
    "select", "select_scatter", "selu", "set_rng_state", "setdiff1d", "setxor1d", "sgn", "shape",
    "sigmoid", "sigmoid_", "sign", "signbit", "sin", "sin_", "sinc", "sinc_", "sinh", "sinh_",
    "size", "slice_scatter", "sliding_window_view", "slogdet", "softmax", "solve", "sort",
    "spacing", "split", "split_with_sizes", "sqrt", "sqrt_", "square", "square_", "squeeze",
    "stack", "std", "std_mean", "stop_gradient", "sub", "subtract", "sum", "svd", "swapaxes",
    "swapdims", "t", "take", "take_along_axis", "take_along_dim", "tan", "tan_", "tanh", "tanh_",
    "tensor", "tensor_split", "tensordot", "threshold", "tile", "topk", "trace", "transpose",
    "trapezoid", "trapz", "tri", "triangular_solve", "tril", "tril_indices", "tril_indices_from",
    "trim_zeros", "triu", "triu_indices", "triu_indices_from", "true_divide", "trunc", "trunc_",
    "unbind", "unflatten", "union1d", "unique", "unique_all", "unique_consecutive",
    "unique_counts", "unique_inverse", "unique_values", "unpackbits", "unravel_index",
    "unsqueeze", "unstack", "unwrap", "vander", "var", "var_mean", "vdot", "vecdot", "vecmat",
    "vectorize", "view", "vsplit", "vstack", "where", "xlogy", "xlogy_", "zero_", "zeros",
    "zeros_like",
]
