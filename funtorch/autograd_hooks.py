"""PyTorch's tensor hooks, ``retain_grad`` and anomaly detection for ``backward()``.

Hooks live on the tape: a non-leaf's on its node (so they see the gradient of the value
the hook was registered on, even after an in-place method rebinds the handle), a leaf's
on the leaf itself. ``backward()`` and ``autograd.grad`` call :func:`run_hooks` once per
tape entry with the summed gradient, when the entry runs, before it flows on (or into
``.grad``); ``autograd_engine.py`` decides when that is. Hooks and retained grads see
PyTorch's convention for complex values, the conjugate of the engine's cotangent
(:func:`call_hook` and :func:`retain` convert; see ``funtorch/autograd.py``).
"""

from __future__ import annotations

import functools
import itertools
import weakref
from collections.abc import Callable

import numpy as np

from funtorch import backends
from funtorch.core import _STATE, _TRACER_TYPES, Array
from funtorch.typing import P, R

__all__ = ["RemovableHandle", "set_detect_anomaly", "detect_anomaly",
           "is_anomaly_enabled"]

_ids = itertools.count().__next__


class RemovableHandle:
    """What ``register_*hook`` returns: ``handle.remove()`` unregisters the hook (also a
    context manager that removes it on exit), as ``torch.utils.hooks.RemovableHandle``."""

    def __init__(self, table):
        self.id = _ids()
        self._table = weakref.ref(table) if _weakrefable(table) else (lambda: table)

    def remove(self) -> None:
        table = self._table()
        if table is not None:
            table.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _weakrefable(obj):
    try:
        weakref.ref(obj)
    except TypeError:
        return False
    return True


class _Hooks(dict):
    """Gradient hooks of one array (id -> fn, in registration order) and the handle
    whose ``.grad`` ``retain_grad()`` fills (after every hook, as in torch >= 2.0)."""

    retain = None


# Whether any tensor hook, retain_grad or post-accumulate hook was ever registered in this
# process: until then backward() needs no search for them (autograd_engine.run_backward)
registered = False


def _hooks(x, create):
    global registered
    if create:
        registered = True
    node = x._node
    if node.is_leaf:
        extra = getattr(x, "_extra", None)
        if extra is None and create:
            extra = x._extra = {}
        hooks = None if extra is None else extra.get("hooks")
        if hooks is None and create:
            hooks = extra["hooks"] = _Hooks()
        return hooks
    hooks = node.hooks
    if hooks is None and create:
        hooks = node.hooks = _Hooks()
    return hooks


def _check_tracked(x, what):
    if type(x) in _TRACER_TYPES:
        raise RuntimeError(f"{what}: hooks are for PyTorch-style backward(); a value traced "
                           f"by {x._trace.transform} has no tape (transform the function "
                           "and change its gradient with ft.custom_vjp instead)")
    if x._node is None:
        raise RuntimeError(f"{what}: cannot register a hook on a tensor that doesn't require "
                           "gradient")


def register_hook(self: Array, hook: Callable[[Array], Array | None]) -> RemovableHandle:
    """``x.register_hook(fn)``: ``fn(grad)`` runs when ``backward()`` computes the gradient
    of ``x``; returning an array replaces that gradient.

    Args:
        hook: ``grad -> None`` or a replacement gradient of the same shape (called with
            PyTorch's conjugate convention for complex arrays).

    Returns:
        A handle whose ``remove()`` unregisters the hook (a context manager too).

    Raises:
        RuntimeError: ``x`` does not require grad, or is a tracer of a functional
            transform (change its gradient with ``ft.custom_vjp`` instead).

    Example:
        >>> x = ft.ones(2, requires_grad=True)
        >>> h = x.register_hook(lambda g: g * 10)
        >>> (x * 2).sum().backward(); x.grad
        array([20., 20.])
    """
    _check_tracked(self, "register_hook")
    hooks = _hooks(self, True)
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


def register_post_accumulate_grad_hook(self: Array,
                                       hook: Callable[[Array], None]) -> RemovableHandle:
    """``p.register_post_accumulate_grad_hook(fn)``: ``fn(p)`` runs after ``backward()`` has
    added to ``p.grad`` (leaves only, as in torch), e.g. to step an optimizer per parameter.

    Args:
        hook: ``leaf -> None``, called with the leaf itself (read its ``.grad``).

    Returns:
        A handle whose ``remove()`` unregisters the hook (a context manager too).

    Raises:
        RuntimeError: ``p`` is not a leaf, does not require grad, or is a tracer.

    Example:
        >>> p = ft.nn.Parameter(ft.ones(2)); seen = []
        >>> h = p.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
        >>> (3 * p).sum().backward(); seen
        [[3.0, 3.0]]
    """
    _check_tracked(self, "register_post_accumulate_grad_hook")
    if not self._node.is_leaf:
        raise RuntimeError("register_post_accumulate_grad_hook: post accumulate grad hooks "
                           "cannot be registered on non-leaf tensors")
    global registered
    registered = True
    extra = getattr(self, "_extra", None)
    if extra is None:
        extra = self._extra = {}
    hooks = extra.setdefault("post", {})
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


def run_post_accumulate(leaf):
    """Call ``leaf``'s post-accumulate-grad hooks (after ``backward()`` wrote ``.grad``)."""
    extra = getattr(leaf, "_extra", None)
    for fn in list((extra or {}).get("post", {}).values()):
        fn(leaf)


def retain_grad(self: Array) -> None:
    """``y.retain_grad()``: ``backward()`` fills ``y.grad`` of a non-leaf too (a no-op on a
    leaf, which gets its ``.grad`` anyway).

    Raises:
        RuntimeError: the array does not require grad, or is a tracer of a functional
            transform.

    Example:
        >>> x = ft.ones(2, requires_grad=True); y = x * 2; y.retain_grad()
        >>> (y * y).sum().backward(); y.grad
        array([4., 4.])
    """
    if type(self) not in _TRACER_TYPES and self._node is None:
        raise RuntimeError("retain_grad: can't retain_grad on Tensor that has "
                           "requires_grad=False")
    _check_tracked(self, "retain_grad")
    if not self._node.is_leaf:
        _hooks(self, True).retain = self


def _retains_grad(self: Array) -> bool:
    """Whether ``backward()`` fills this non-leaf's ``.grad`` (after ``retain_grad()``)."""
    if type(self) in _TRACER_TYPES or self._node is None or self._node.is_leaf:
        return False
    hooks = getattr(self._node, "hooks", None)
    return hooks is not None and hooks.retain is self


def hooks_of(leaf):
    """The hook table of a leaf (``None`` if it has none)."""
    return _hooks(leaf, False)


def run_hooks(hooks, ct):
    """Run the gradient hooks of one table on ``ct`` (a hook's non-None result replaces
    it), then fill a retained ``.grad``; return the gradient that flows on."""
    for fn in list(hooks.values()):
        ct = call_hook(fn, ct)
    return ct if hooks.retain is None else retain(hooks, ct)


def call_hook(fn, ct):
    """``fn(ct)``, or what it returned instead when that is not None (same shape). ``ct``
    is the engine's (JAX-convention) cotangent; ``fn`` sees and returns PyTorch's, the
    conjugate for a complex one (see ``complex_grad.py``)."""
    from funtorch import ops

    complex_ct = ct.dtype.kind == "c"
    new = fn(ops.conj(ct) if complex_ct else ct)
    if new is None:
        return ct
    if tuple(new.shape) != tuple(ct.shape):
        raise RuntimeError(f"hook {getattr(fn, '__name__', fn)!r} returned a gradient "
                           f"of shape {tuple(new.shape)}; expected {tuple(ct.shape)}")
    return ops.conj(new) if complex_ct else new


def retain(hooks, ct):
    """Add ``ct`` to the ``.grad`` of the handle that called ``retain_grad()`` (if any)."""
    from funtorch import ops

    handle = hooks.retain
    if handle is None:
        return ct
    value = ct if _STATE.grad_enabled else ops.stop_gradient(ct)  # create_graph keeps it
    if value.dtype.kind == "c":  # .grad in PyTorch's convention, as a leaf's
        value = ops.conj(value)
    handle.grad = value if handle.grad is None else handle.grad + value
    return ct


# Anomaly detection -----------------------------------------------------------------------


def is_anomaly_enabled() -> bool:
    """Whether ``backward()`` checks every VJP result for NaN (``detect_anomaly``).

    Returns:
        True inside ``detect_anomaly()`` or after ``set_detect_anomaly(True)``.

    Example:
        >>> with ft.autograd.detect_anomaly():
        ...     ft.autograd.is_anomaly_enabled()
        True
    """
    return _STATE.anomaly


class set_detect_anomaly:
    """Switch anomaly detection on or off: at once, restored at the end of a ``with``
    block (PyTorch's ``torch.autograd.set_detect_anomaly(mode)``). While on, ``backward()``
    raises ``RuntimeError: Function 'DivBackward0' returned nan values in its 1th output.``
    naming the op whose backward produced the first NaN (here ``0 * inf`` in sqrt's
    backward at 0).

    Args:
        mode: switch the detection on (True) or off.
        check_nan: check the VJP results for NaN (False: ``mode`` has no effect).

    Example:
        >>> with ft.autograd.set_detect_anomaly(True):
        ...     x = ft.zeros(1, requires_grad=True); (ft.sqrt(x) * 0.0).sum().backward()
        Traceback (most recent call last):
        RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output.
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._previous = _STATE.anomaly
        _STATE.anomaly = bool(mode) and check_nan

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _STATE.anomaly = self._previous


class detect_anomaly(set_detect_anomaly):
    """``with ft.autograd.detect_anomaly():`` anomaly detection on inside the block (see
    :class:`set_detect_anomaly`); also a decorator.

    Args:
        check_nan: check the VJP results for NaN.

    Example:
        >>> @ft.autograd.detect_anomaly()
        ... def checked():
        ...     return ft.autograd.is_anomaly_enabled()
        >>> checked(), ft.autograd.is_anomaly_enabled()
        (True, False)
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self._previous = None

    def __enter__(self):
        self._previous = _STATE.anomaly
        _STATE.anomaly = self.check_nan
        return self

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


def check_nan(node, index, ct):
    """Raise PyTorch's anomaly error if the VJP result ``ct`` of ``node`` holds a NaN."""
    if not isinstance(ct, Array) or type(ct) in _TRACER_TYPES or ct.dtype.kind not in "fc":
        return
    host = backends.get_backend_of(ct._buf).to_host(ct._buf)
    if np.isnan(host).any():
        raise RuntimeError(f"Function '{type(node).__name__}' returned nan values in its "
                           f"{index}th output.")


def attach():
    Array.register_hook = register_hook
    Array.register_post_accumulate_grad_hook = register_post_accumulate_grad_hook
    Array.retain_grad = retain_grad
    Array.retains_grad = property(_retains_grad)


attach()
