"""funtorch: functional autodiff (grad, vjp, jvp, vmap, jit) over immutable arrays on
NumPy and CuPy, with PyTorch-style autograd on the same tracer.

Example:
    >>> import funtorch as ft
    >>> ft.grad(lambda x: (x ** 2).sum())(ft.array([1.0, 2.0]))
    array([2., 4.])
"""

from funtorch.dtypes import (  # noqa: F401
    bool_, float16, float32, float64, get_default_dtype, int8, int32, int64,
    set_default_dtype, uint8,
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

Tensor = Array
__version__ = "0.1.0"
del _ops

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


def __getattr__(name):
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
