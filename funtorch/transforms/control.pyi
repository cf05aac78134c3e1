# Typed signatures of the control-flow transforms (PEP 561 stub; the runtime is control.py).
# control.py is being reworked elsewhere: these signatures move into it once that settles
# (tests/test_typing.py checks the parameter names here match the runtime ones).
# Partial: the module-level `__getattr__` leaves control.py's internals Any to a checker.
from collections.abc import Callable
from typing import Any, TypeVar

_C = TypeVar("_C")  # the carry / loop value
_Y = TypeVar("_Y")  # what each scan step emits (stacked along a new leading axis)
_T = TypeVar("_T")

__all__ = ["cond", "fori_loop", "scan", "while_loop"]

def scan(f: Callable[[_C, Any], tuple[_C, _Y]], init: _C, xs: Any = None,
         length: int | None = None, reverse: bool = False) -> tuple[_C, _Y]: ...
def fori_loop(lower: Any, upper: Any, body_fun: Callable[[Any, _C], _C], init_val: _C) -> _C: ...
def cond(pred: Any, true_fun: Callable[..., _T], false_fun: Callable[..., _T],
         *operands: Any) -> _T: ...
def while_loop(cond_fun: Callable[[_C], Any], body_fun: Callable[[_C], _C], init_val: _C) -> _C: ...
def __getattr__(name: str) -> Any: ...
