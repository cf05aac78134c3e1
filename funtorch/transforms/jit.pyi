# Typed signatures of jit and make_graph (PEP 561 stub; the runtime is jit.py).
# jit.py is being reworked elsewhere: these signatures move into it once that settles
# (tests/test_typing.py checks the parameter names here match the runtime ones).
# Partial: the module-level `__getattr__` leaves jit.py's internals Any to a checker.
from collections.abc import Callable, Sequence
from typing import Any

from funtorch.typing import P, R

__all__ = ["jit", "make_graph", "log_compiles"]

log_compiles: list[bool]

def jit(fun: Callable[P, R], static_argnums: int | Sequence[int] = (),
        static_argnames: str | Sequence[str] | None = None,
        donate_argnums: int | Sequence[int] = ()) -> Callable[P, R]: ...
def make_graph(fun: Callable[..., Any], optimize_graph: bool = False,
               static_argnums: int | Sequence[int] = (),
               static_argnames: str | Sequence[str] | None = None) -> Callable[..., Any]: ...
def __getattr__(name: str) -> Any: ...
