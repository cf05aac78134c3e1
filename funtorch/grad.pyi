# Typed signatures of the reverse-mode transforms (PEP 561 stub; the runtime is grad.py).
# grad.py is being reworked elsewhere: these signatures move into it once that settles
# (tests/test_typing.py checks the parameter names here match the runtime ones).
# Partial: the module-level `__getattr__` leaves grad.py's internals Any to a checker.
from collections.abc import Callable, Sequence
from typing import Any, Literal, overload

import numpy as np

from funtorch.core import Array
from funtorch.typing import P, PyTree, T

__all__ = ["vjp", "grad", "value_and_grad", "VJPTracer", "backprop", "float0"]

float0: np.dtype[Any]

@overload
def grad(fun: Callable[P, Array], argnums: int | Sequence[int] = 0,
         has_aux: Literal[False] = False) -> Callable[P, PyTree]: ...
@overload
def grad(fun: Callable[P, tuple[Array, T]], argnums: int | Sequence[int] = 0, *,
         has_aux: Literal[True]) -> Callable[P, tuple[PyTree, T]]: ...
@overload
def value_and_grad(fun: Callable[P, Array], argnums: int | Sequence[int] = 0,
                   has_aux: Literal[False] = False) -> Callable[P, tuple[Array, PyTree]]: ...
@overload
def value_and_grad(fun: Callable[P, tuple[Array, T]], argnums: int | Sequence[int] = 0, *,
                   has_aux: Literal[True]) -> Callable[P, tuple[tuple[Array, T], PyTree]]: ...
@overload
def vjp(fun: Callable[..., T], *primals: Any,
        has_aux: Literal[False] = False) -> tuple[T, Callable[[Any], tuple[PyTree, ...]]]: ...
@overload
def vjp(fun: Callable[..., tuple[T, Any]], *primals: Any,
        has_aux: Literal[True]) -> tuple[T, Callable[[Any], tuple[PyTree, ...]], Any]: ...
def __getattr__(name: str) -> Any: ...
