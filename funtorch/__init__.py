"""funtorch: functional autodiff (grad, vjp, jvp, vmap, jit) over immutable arrays on
NumPy and CuPy, with PyTorch-style autograd on the same tracer.

Example:
    >>> import funtorch as ft
    >>> ft.grad(lambda x: (x ** 2).sum())(ft.array([1.0, 2.0]))
    array([2., 4.])
"""

from funtorch.dtypes import (  # noqa: F401
    bool_, cdouble, cfloat, complex64, complex128, float16, float32, float64, get_default_dtype,
    int8, int32, int64, set_default_dtype, uint8,
)
from funtorch.core import Array  # noqa: F401
from funtorch.ops import *  # noqa: F401,F403
from funtorch import ops as _ops
from funtorch import tree, backends, autograd, testing  # noqa: F401
from funtorch import optim  # noqa: F401
from funtorch import data  # noqa: F401
from funtorch import utils  # noqa: F401
from funtorch import random  # noqa: F401
from funtorch.generator import manual_seed, rand, randint, randn  # noqa: F401
from funtorch import linalg  # noqa: F401
from funtorch.transforms import (  # noqa: F401
    checkpoint, cond, custom_jvp, custom_vjp, fori_loop, hessian, jacfwd, jacrev, jit, jvp,
    make_graph, scan, vmap, while_loop,
)
from funtorch.backends import device  # noqa: F401
from funtorch.grad import float0, grad, value_and_grad, vjp  # noqa: F401
from funtorch.grad_mode import (  # noqa: F401
    enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
    set_grad_enabled,
)
from funtorch.ops.logic import stop_gradient  # noqa: F401
from funtorch import cuda  # noqa: F401
from funtorch.serialization import load, save  # noqa: F401
from funtorch import nn  # noqa: F401
# torch has ONE object under both names (torch.X is torch.nn.functional.X): so has funtorch
# (two implementations drift apart; tests/torch_surface/test_aliases.py walks the pairs)
from funtorch.nn.functional import (  # noqa: F401,E402
    conv1d, conv2d, cosine_similarity, hardshrink, pdist, pixel_shuffle, pixel_unshuffle, prelu,
)
from funtorch import special, stats, scipy  # noqa: F401
from funtorch import integrate  # noqa: F401
from funtorch import typing  # noqa: F401  (Array, ArrayLike, DTypeLike, Shape, PyTree, Key)
import typing as _typing

Tensor = Array
__version__ = "0.1.0"
del _ops

# static: tools/static_all.py writes this list (tests/test_typing.py checks it)
__all__ = [
    "Array", "Tensor", "abs", "abs_", "absolute", "acos", "acos_", "acosh", "acosh_", "add",
    "addbmm", "addcdiv", "addcmul", "addmm", "addmv", "addmv_", "addr", "adjoint", "all",
    "allclose", "amax", "amin", "aminmax", "angle", "any", "append", "apply_along_axis",
    "apply_over_axes", "arange", "arccos", "arccos_", "arccosh", "arccosh_", "arcsin", "arcsin_",
    "arcsinh", "arcsinh_", "arctan", "arctan2", "arctan_", "arctanh", "arctanh_", "argmax",
    "argmin", "argpartition", "argsort", "argwhere", "around", "array", "array_equal",
    "array_equiv", "array_split", "as_tensor", "asarray", "asin", "asin_", "asinh", "asinh_",
    "astype", "atan", "atan2", "atan_", "atanh", "atanh_", "atleast_1d", "atleast_2d",
    "atleast_3d", "autograd", "average", "backends", "baddbmm", "bartlett", "bartlett_window",
    "batch_norm", "bernoulli", "binary_cross_entropy_with_logits", "bincount", "bitwise_and",
    "bitwise_count", "bitwise_invert", "bitwise_left_shift", "bitwise_not", "bitwise_or",
    "bitwise_right_shift", "bitwise_xor", "blackman", "blackman_window", "block", "block_diag",
    "bmm", "bool_", "broadcast_arrays", "broadcast_shapes", "broadcast_tensors", "broadcast_to",
    "bucketize", "can_cast", "cartesian_prod", "cat", "cbrt", "cdist", "cdouble", "ceil", "ceil_",
    "celu", "cfloat", "checkpoint", "cholesky", "cholesky_inverse", "cholesky_solve", "choose",
    "chunk", "clamp", "clamp_", "clamp_max", "clamp_max_", "clamp_min", "clamp_min_", "clip",
    "clip_", "clone", "column_stack", "combinations", "complex", "complex128", "complex64",
    "compress", "concat", "concatenate", "cond", "conj", "conjugate", "conv1d", "conv2d",
    "convolve", "copy", "copysign", "corrcoef", "correlate", "cos", "cos_", "cosh", "cosh_",
    "cosine_similarity", "count_nonzero", "cov", "cross", "cuda", "cummax", "cummin", "cumprod",
    "cumsum", "cumulative_prod", "cumulative_sum", "cumulative_trapezoid", "custom_jvp",
    "custom_vjp", "data", "deg2rad", "deg2rad_", "degrees", "delete", "det", "detach", "detach_",
    "device", "device_put", "diag", "diag_embed", "diag_indices", "diag_indices_from", "diagflat",
    "diagonal", "diagonal_scatter", "diff", "digamma", "digitize", "dist", "div", "divide",
    "divmod", "dot", "dropout", "dsplit", "dstack", "ediff1d", "einsum", "embedding", "empty",
    "empty_like", "enable_grad", "eq", "equal", "erf", "erf_", "erfc", "erfc_", "erfinv", "exp",
    "exp2", "exp2_", "exp_", "expand_dims", "expm1", "expm1_", "extract", "eye", "fabs", "fill",
    "fill_", "fill_diagonal", "fix", "fix_", "flatnonzero", "flatten", "flip", "fliplr", "flipud",
    "float0", "float16", "float32", "float64", "float_power", "floor", "floor_", "floor_divide",
    "fmax", "fmin", "fmod", "fori_loop", "frac", "frac_", "frexp", "frobenius_norm", "from_numpy",
    "fromfunction", "full", "full_like", "gather", "gcd", "gcd_", "ge", "geomspace", "geqrf",
    "ger", "get_default_dtype", "get_rng_state", "grad", "gradient", "greater", "greater_equal",
    "group_norm", "gt", "hamming", "hamming_window", "hann_window", "hanning", "hardshrink",
    "heaviside", "hessian", "histc", "histogram", "histogram2d", "histogram_bin_edges",
    "histogramdd", "hsplit", "hstack", "hypot", "i0", "i0_", "identity", "igamma", "igammac",
    "imag", "index_add", "index_copy", "index_fill", "index_put", "index_reduce", "index_select",
    "indices", "inference_mode", "initial_seed", "inner", "insert", "instance_norm", "int32",
    "int64", "int8", "integrate", "interp", "intersect1d", "inverse", "invert",
    "is_floating_point", "is_grad_enabled", "is_inference_mode_enabled", "is_tensor", "isclose",
    "iscomplex", "iscomplexobj", "isfinite", "isin", "isinf", "isnan", "isneginf", "isposinf",
    "isreal", "isrealobj", "isscalar", "issubdtype", "iterable", "ix_", "jacfwd", "jacrev", "jit",
    "jvp", "kaiser", "kaiser_window", "kl_div", "kron", "kthvalue", "layer_norm", "lcm", "lcm_",
    "ldexp", "le", "left_shift", "lerp", "less", "less_equal", "lexsort", "lgamma", "linalg",
    "linspace", "load", "log", "log10", "log10_", "log1p", "log1p_", "log2", "log2_", "log_",
    "log_softmax", "logaddexp", "logaddexp2", "logcumsumexp", "logdet", "logical_and",
    "logical_not", "logical_or", "logical_xor", "logit", "logit_", "logspace", "logsumexp",
    "lstsq", "lt", "lu", "make_graph", "manual_seed", "mask_indices", "masked_fill",
    "masked_scatter", "masked_select", "matmul", "matrix_exp", "matrix_power", "matrix_rank",
    "matrix_transpose", "matvec", "max", "maximum", "mean", "median", "meshgrid", "min",
    "minimum", "mm", "mod", "mode", "modf", "moveaxis", "movedim", "msort", "mul", "multinomial",
    "multiply", "mv", "mvlgamma", "nan_to_num", "nan_to_num_", "nanargmax", "nanargmin",
    "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin", "nanpercentile",
    "nanprod", "nanquantile", "nanstd", "nansum", "nanvar", "narrow", "ndim", "ne", "neg", "neg_",
    "negative", "negative_", "nextafter", "nn", "no_grad", "nonzero", "norm", "normal",
    "not_equal", "numel", "ones", "ones_like", "optim", "orgqr", "ormqr", "outer", "packbits",
    "pad", "partition", "pdist", "percentile", "permute", "permute_dims", "piecewise", "pinverse",
    "pixel_shuffle", "pixel_unshuffle", "place", "poisson", "poly", "polyadd", "polyder",
    "polydiv", "polyfit", "polygamma", "polyint", "polymul", "polysub", "polyval", "positive",
    "pow", "power", "prelu", "prod", "promote_types", "ptp", "put", "put_along_axis", "qr",
    "quantile", "rad2deg", "rad2deg_", "radians", "rand", "rand_like", "randint", "randint_like",
    "randn", "randn_like", "random", "randperm", "range", "ravel", "ravel_multi_index", "real",
    "reciprocal", "reciprocal_", "relu", "remainder", "repeat", "repeat_interleave", "reshape",
    "resize", "result_type", "right_shift", "rint", "rms_norm", "roll", "rollaxis", "roots",
    "rot90", "round", "round_", "row_stack", "rrelu", "rsqrt", "rsqrt_", "save", "scan",
    "scatter", "scatter_add", "scatter_reduce", "scipy", "searchsorted", "seed", "select",
    "select_scatter", "selu", "set_default_dtype", "set_grad_enabled", "set_rng_state",
    "setdiff1d", "setxor1d", "sgn", "shape", "sigmoid", "sigmoid_", "sign", "signbit", "sin",
    "sin_", "sinc", "sinc_", "sinh", "sinh_", "size", "slice_scatter", "sliding_window_view",
    "slogdet", "softmax", "solve", "sort", "spacing", "special", "split", "split_with_sizes",
    "sqrt", "sqrt_", "square", "square_", "squeeze", "stack", "stats", "std", "std_mean",
    "stop_gradient", "sub", "subtract", "sum", "svd", "swapaxes", "swapdims", "t", "take",
    "take_along_axis", "take_along_dim", "tan", "tan_", "tanh", "tanh_", "tensor", "tensor_split",
    "tensordot", "testing", "threshold", "tile", "topk", "trace", "transpose", "trapezoid",
    "trapz", "tree", "tri", "triangular_solve", "tril", "tril_indices", "tril_indices_from",
    "trim_zeros", "triu", "triu_indices", "triu_indices_from", "true_divide", "trunc", "trunc_",
    "uint8", "unbind", "unflatten", "union1d", "unique", "unique_all", "unique_consecutive",
    "unique_counts", "unique_inverse", "unique_values", "unpackbits", "unravel_index",
    "unsqueeze", "unstack", "unwrap", "utils", "value_and_grad", "vander", "var", "var_mean",
    "vdot", "vecdot", "vecmat", "vectorize", "view", "vjp", "vmap", "vsplit", "vstack", "where",
    "while_loop", "xlogy", "xlogy_", "zero_", "zeros", "zeros_like",
]

# Namespaces whose optional dependencies (mpi4py, onnx, safetensors) load on first use:
# `ft.distributed`, `ft.onnx`, the JAX collective spellings and the safetensors I/O.
_LAZY = {
    "distributed": ("funtorch.distributed", None),
    "onnx": ("funtorch.onnx", None),
    **{name: ("funtorch.distributed.collectives", name)
       for name in ("psum", "pmean", "pmax", "pmin", "psum_scatter", "all_gather", "axis_index")},
    "save_safetensors": ("funtorch.safetensors_io", "save_safetensors"),
    "load_safetensors": ("funtorch.safetensors_io", "load_safetensors"),
}


if _typing.TYPE_CHECKING:  # the lazy names as a type checker sees them (explicit re-exports)
    from funtorch import distributed as distributed, onnx as onnx
    from funtorch.distributed.collectives import (
        all_gather as all_gather, axis_index as axis_index, pmax as pmax, pmean as pmean,
        pmin as pmin, psum as psum, psum_scatter as psum_scatter,
    )
    from funtorch.safetensors_io import (
        load_safetensors as load_safetensors, save_safetensors as save_safetensors,
    )


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module 'funtorch' has no attribute {name!r}")
    import importlib
    module_name, attr = _LAZY[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if not (err.name or "").startswith("funtorch") or not module_name.startswith(err.name):
            raise  # a dependency of an existing module is missing: say which
        raise AttributeError(f"module 'funtorch' has no attribute {name!r}") from None
    value = module if attr is None else getattr(module, attr)
    globals()[name] = value
    return value
