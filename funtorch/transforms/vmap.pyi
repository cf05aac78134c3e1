# Typed signature of vmap (PEP 561 stub; the runtime is vmap.py).
# vmap.py is being reworked elsewhere: the signature moves into it once that settles
# (tests/test_typing.py checks the parameter names here match the runtime ones).
# Partial: the module-level `__getattr__` leaves vmap.py's internals Any to a checker.
# The batched function keeps the argument list (P) and returns a pytree like fun's (Any:
# its leaves gain an axis, which no annotation expresses).
from collections.abc import Callable, Hashable
from typing import Any

from funtorch.typing import P

__all__ = ["vmap", "BatchTracer", "bound_axis", "bound_axis_names"]

def vmap(fun: Callable[P, Any], in_axes: Any = 0, out_axes: Any = 0,
         axis_size: int | None = None, *, axis_name: Hashable | None = None
         ) -> Callable[P, Any]: ...
def __getattr__(name: str) -> Any: ...
