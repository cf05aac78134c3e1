"""PyTorch's grad-mode switches: ``no_grad``, ``enable_grad``, ``set_grad_enabled`` and
``inference_mode``, each a context manager and a decorator. The modes live in the
per-thread ``core._STATE`` (a thread's ``no_grad`` never changes what another records)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from funtorch.core import _STATE
from funtorch.typing import P, R

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode",
           "is_inference_mode_enabled"]


class _GradMode:
    """Switches PyTorch-style recording to ``mode`` on ``__enter__`` and back on
    ``__exit__``; as a decorator, around every call. Re-entrant: each ``with`` saves the
    mode it found. The mode is per thread, as in PyTorch (new threads start with it on)."""

    mode = True

    def __init__(self) -> None:
        self._local = threading.local()  # one object may be entered by several threads

    @property
    def _saved(self):
        stack = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    def __enter__(self) -> None:
        self._saved.append(_STATE.grad_enabled)
        _STATE.grad_enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        _STATE.grad_enabled = self._saved.pop()

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            previous = _STATE.grad_enabled
            _STATE.grad_enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                _STATE.grad_enabled = previous
        return wrapper


class _NoArgumentMode(_GradMode):
    def __new__(cls, fn: Callable[..., Any] | None = None) -> Any:
        if fn is None:
            return super().__new__(cls)
        if not callable(fn):
            raise TypeError(f"{cls.__name__}() takes no arguments (used as a decorator it "
                            f"wraps a function), got {fn!r}")
        return cls()(fn)  # used as @ft.no_grad, without parentheses


class no_grad(_NoArgumentMode):
    """``with ft.no_grad():`` ops record no ``grad_fn`` (PyTorch semantics); also a decorator,
    with or without parentheses.

    Args:
        fn: the function to decorate (``@ft.no_grad`` without parentheses).

    Example:
        >>> x = ft.ones(2, requires_grad=True)
        >>> with ft.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    mode = False


class enable_grad(_NoArgumentMode):
    """Re-enable recording inside a ``no_grad`` block; also a decorator, with or without
    parentheses.

    Args:
        fn: the function to decorate (``@ft.enable_grad`` without parentheses).

    Example:
        >>> x = ft.ones(2, requires_grad=True)
        >>> with ft.no_grad(), ft.enable_grad():
        ...     y = x * 2
        >>> y.requires_grad
        True
    """

    mode = True


class set_grad_enabled(_GradMode):
    """Switch recording on or off: at once when called (``ft.set_grad_enabled(False)``),
    restored at the end of a ``with`` block, or around calls as a decorator (PyTorch).

    Args:
        mode: record (True) or not.

    Example:
        >>> x = ft.ones(2, requires_grad=True)
        >>> with ft.set_grad_enabled(False):
        ...     y = x * 2
        >>> y.requires_grad, ft.is_grad_enabled()
        (False, True)
    """

    def __init__(self, mode: bool) -> None:
        super().__init__()
        self.mode = bool(mode)
        self._previous = _STATE.grad_enabled
        _STATE.grad_enabled = self.mode

    def __enter__(self) -> None:
        self._saved.append(self._previous)

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        _STATE.grad_enabled = self._previous  # the decorator form does not switch it for good
        return super().__call__(fn)


def is_grad_enabled() -> bool:
    """Whether PyTorch-style recording is on.

    Returns:
        False inside ``no_grad``/``inference_mode`` or after ``set_grad_enabled(False)``.

    Example:
        >>> with ft.no_grad():
        ...     ft.is_grad_enabled()
        False
    """
    return _STATE.grad_enabled


def is_inference_mode_enabled() -> bool:
    """Whether ``ft.inference_mode()`` is active in this thread.

    Returns:
        True inside ``inference_mode()`` (not ``inference_mode(False)``).

    Example:
        >>> with ft.inference_mode():
        ...     ft.is_inference_mode_enabled()
        True
    """
    return _STATE.inference


class inference_mode(_GradMode):
    """PyTorch's ``inference_mode``: recording off (as ``no_grad``) and
    ``ft.is_inference_mode_enabled()`` true; ``inference_mode(False)`` turns both back on.
    A context manager and a decorator, with or without parentheses.

    Args:
        mode: whether to enter inference mode (default ``True``).

    Example:
        >>> x = ft.ones(2, requires_grad=True)
        >>> with ft.inference_mode():
        ...     y = x * 2
        >>> y.requires_grad, ft.is_inference_mode_enabled()
        (False, False)
    """

    def __new__(cls, mode: bool | Callable[..., Any] = True) -> Any:
        if callable(mode):  # @ft.inference_mode without parentheses
            return cls(True)(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        super().__init__()
        if not isinstance(mode, bool):
            raise TypeError(f"inference_mode: mode must be a bool (or the function to "
                            f"decorate), got {type(mode).__name__}")
        self.mode = not mode
        self.inference = mode

    def __enter__(self) -> None:
        self._saved.append((_STATE.grad_enabled, _STATE.inference))
        _STATE.grad_enabled, _STATE.inference = self.mode, self.inference

    def __exit__(self, *exc: object) -> None:
        _STATE.grad_enabled, _STATE.inference = self._saved.pop()

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with inference_mode(self.inference):
                return fn(*args, **kwargs)
        return wrapper
