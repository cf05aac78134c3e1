# Typed signatures of custom_vjp, custom_jvp and checkpoint (PEP 561 stub; the runtime is
# custom.py). custom.py is being reworked elsewhere: these signatures move into it once that
# settles (tests/test_typing.py checks the parameter names here match the runtime ones).
# Partial: the module-level `__getattr__` leaves custom.py's internals Any to a checker.
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from typing_extensions import Self

from funtorch.typing import P

_R = TypeVar("_R")
_F = TypeVar("_F", bound=Callable[..., Any])

__all__ = ["custom_vjp", "custom_jvp", "checkpoint"]

class custom_vjp(Generic[_R]):
    fun: Callable[..., _R]
    nondiff_argnums: tuple[int, ...]
    def __init__(self, fun: Callable[..., _R], nondiff_argnums: Sequence[int] = ()) -> None: ...
    def defvjp(self, fwd: Callable[..., tuple[Any, Any]], bwd: Callable[..., Any]) -> Self: ...
    def __call__(self, *args: Any) -> _R: ...

class custom_jvp(Generic[_R]):
    fun: Callable[..., _R]
    nondiff_argnums: tuple[int, ...]
    def __init__(self, fun: Callable[..., _R], nondiff_argnums: Sequence[int] = ()) -> None: ...
    def defjvp(self, jvp_rule: _F) -> _F: ...  # returns the rule: usable as a decorator
    def __call__(self, *args: Any) -> _R: ...

def checkpoint(fun: Callable[P, _R], static_argnums: int | Sequence[int] = ()) -> Callable[P, _R]: ...
def __getattr__(name: str) -> Any: ...
