"""Transforms other than reverse mode (which lives in ``funtorch.grad``)."""

from funtorch.transforms.jvp import jvp  # noqa: F401
from funtorch.transforms.vmap import vmap  # noqa: F401
from funtorch.transforms.jacobians import hessian, jacfwd, jacrev  # noqa: F401
from funtorch.transforms.custom import custom_jvp, custom_vjp  # noqa: F401
from funtorch.transforms.checkpoint import checkpoint  # noqa: F401
from funtorch.transforms.jit import jit, make_graph  # noqa: F401
from funtorch.transforms.control import cond, fori_loop, scan, while_loop  # noqa: F401

# static: tools/static_all.py writes this list (tests/test_typing.py checks it)
__all__ = [
    "checkpoint", "cond", "custom_jvp", "custom_vjp", "fori_loop", "hessian", "jacfwd", "jacrev",
    "jit", "jvp", "make_graph", "scan", "vmap", "while_loop",
]
