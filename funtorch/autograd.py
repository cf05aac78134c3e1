"""PyTorch-style imperative autograd: level 0 of the tracer, over the same primitives,
VJP rules and backward pass (:func:`funtorch.backprop.backprop`) as ``ft.grad``.

``requires_grad=True`` marks a leaf; eager ops on tracked arrays record a
:class:`funtorch.core.Node` (``grad_fn``), the level-0 tape entry; ``backward()`` hands
the entries reachable from its outputs to ``backprop`` in PyTorch's engine order (see
``autograd_engine.py``) and writes leaves' ``.grad``. ``no_grad()`` pauses recording.

Complex values: the functional transforms (``ft.grad``, ``vjp``, ``jacrev``, custom_vjp
rules) use JAX's convention, a VJP is the transpose of the JVP with no conjugation, so
``ft.grad(lambda z: abs(z) ** 2)(3 + 4j) == 6 - 8j``. Every PyTorch-style interface uses
torch's (conjugate Wirtinger) convention: ``.grad`` of leaves and of ``retain_grad()``
arrays (``6 + 8j`` above), the ``gradient=``/``grad_outputs=`` seeds and the results of
``backward()``/``autograd.grad`` (also with ``create_graph=True``), what tensor hooks get
and return, and ``Function.backward``'s ``grad_output`` and returned gradients. For a
complex array torch's cotangent is the conjugate of JAX's (a real one is the same in
both), so the one backward pass converts with a conjugation wherever a value crosses
between user code and the engine, and a ``Function`` written for torch also gives JAX's
gradient under ``ft.grad``.
"""

from __future__ import annotations

from collections.abc import Sequence

from funtorch import autograd_hooks, autograd_engine, ops
from funtorch.autograd_function import Function, FunctionCtx  # noqa: F401  (ft.autograd.*)
from funtorch.autograd_hooks import detect_anomaly, is_anomaly_enabled, set_detect_anomaly  # noqa
from funtorch.core import LEAF, Array
from funtorch.dtypes import is_inexact
from funtorch.typing import ArrayLike
from funtorch.grad_mode import (  # noqa: F401  (PyTorch spells them torch.autograd.*)
    _GradMode, enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
    no_grad, set_grad_enabled,
)

__all__ = ["backward", "grad", "Function", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled", "inference_mode", "is_inference_mode_enabled",
           "set_detect_anomaly", "detect_anomaly", "is_anomaly_enabled"]

_NOT_SCALAR = ("backward: grad can be implicitly created only for scalar outputs, got shape "
               "{shape}; pass `gradient=` (a cotangent of the same shape), e.g. "
               "`y.backward(ft.ones_like(y))`, or reduce first with `y.sum().backward()`")
_NO_GRAD_FN = ("{fn}: element {index} of tensors does not require grad and does not have a "
               "grad_fn; create the inputs with requires_grad=True (and do not call it "
               "inside ft.no_grad())")


def _as_cotangent(out, gradient, fn, index):
    if out._node is None:
        raise RuntimeError(_NO_GRAD_FN.format(fn=fn, index=index))
    if gradient is None:
        if out.size != 1:
            raise RuntimeError(_NOT_SCALAR.format(shape=out.shape))
        if out.dtype.kind == "c":  # torch's words
            raise RuntimeError(f"{fn}: grad can be implicitly created only for real scalar "
                               "outputs; pass gradient= for a complex output")
        return ops.ones_like(out)
    gradient = ops.asarray(gradient)
    if gradient.shape != out.shape:
        raise RuntimeError(f"{fn}: gradient has shape {gradient.shape} but the output has "
                           f"shape {out.shape}; they must match")
    return gradient


def _seq(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def backward(tensors: Array | Sequence[Array],
             grad_tensors: ArrayLike | Sequence[ArrayLike | None] | None = None,
             retain_graph: bool | None = None, create_graph: bool = False,
             inputs: Array | Sequence[Array] | None = None) -> None:
    """Accumulate d(tensors)/d(leaf) into every reachable leaf's ``.grad`` (into the
    ``.grad`` of ``inputs`` only, when given).

    Args:
        tensors: the outputs to differentiate (one array or a sequence).
        grad_tensors: the cotangent of each output, shaped like it; ``None`` for a
            scalar output (a cotangent of 1).
        retain_graph: keep the recorded graph for another backward (default:
            ``create_graph``).
        create_graph: record the backward pass itself, for higher derivatives.
        inputs: accumulate into these arrays' ``.grad`` only.

    Returns:
        None: the gradients land in ``.grad``.

    Raises:
        RuntimeError: non-scalar output without ``gradient``; a graph already freed by a
            previous ``backward()``; an output that does not require grad.

    Example:
        >>> x = ft.tensor(2.0, requires_grad=True); (x * x).backward(); x.grad
        array(4.)
    """
    tensors = _seq(tensors)
    grads = _seq(grad_tensors) if grad_tensors is not None else [None] * len(tensors)
    retain = create_graph if retain_graph is None else retain_graph
    with set_grad_enabled(create_graph):
        cts = [_as_cotangent(t, g, "backward", i) for i, (t, g) in enumerate(zip(tensors, grads))]
        inputs = None if inputs is None else _seq(inputs)
        autograd_engine.run_backward(tensors, cts, retain, inputs,
                                     _accumulate_grad if create_graph else _accumulate_detached)


def _accumulate_grad(handle, ct):
    """Add ``ct`` to ``handle.grad`` (a leaf's, or an input's of ``backward(inputs=)``)."""
    leaf = handle._node is not None and handle._node.is_leaf
    if not leaf and handle.retains_grad:  # retain_grad() has added it already, as in torch
        return
    if ct.dtype != handle.dtype:  # .grad has its leaf's dtype, as in PyTorch
        ct = ops.astype(ct, handle.dtype)
    handle.grad = ct if handle.grad is None else handle.grad + ct
    if leaf:
        autograd_hooks.run_post_accumulate(handle)


def _accumulate_detached(handle, ct):
    _accumulate_grad(handle, ops.stop_gradient(ct))


def grad(outputs: Array | Sequence[Array], inputs: Array | Sequence[Array],
         grad_outputs: ArrayLike | Sequence[ArrayLike | None] | None = None,
         retain_graph: bool | None = None, create_graph: bool = False,
         allow_unused: bool = False) -> tuple[Array | None, ...]:
    """Return d(outputs)/d(inputs) as a tuple without touching ``.grad`` (PyTorch's).

    Args:
        outputs: the arrays to differentiate.
        inputs: the arrays to differentiate with respect to.
        grad_outputs: the cotangent of each output (``None``: 1 for a scalar output).
        retain_graph: keep the recorded graph for another call (default: ``create_graph``).
        create_graph: record the backward pass, so the result can be differentiated again.
        allow_unused: give ``None`` for an input the outputs do not depend on.

    Returns:
        One gradient per input, shaped like it (``None`` for an unused input when
        ``allow_unused``).

    Raises:
        RuntimeError: an input the outputs do not depend on (unless ``allow_unused``).

    Example:
        >>> x = ft.tensor(3.0, requires_grad=True); ft.autograd.grad(x ** 2, x)
        (array(6.),)
    """
    outputs, inputs = _seq(outputs), _seq(inputs)
    grads = _seq(grad_outputs) if grad_outputs is not None else [None] * len(outputs)
    retain = create_graph if retain_graph is None else retain_graph
    found = {}

    def capture(handle, ct):
        prev = found.get(id(handle))
        found[id(handle)] = ct if prev is None else prev + ct

    with set_grad_enabled(create_graph):
        cts = [_as_cotangent(o, g, "autograd.grad", i) for i, (o, g) in
               enumerate(zip(outputs, grads))]
        autograd_engine.run_backward(outputs, cts, retain, inputs,
                                     capture)
    result = []
    for index, x in enumerate(inputs):
        ct = found.get(id(x))
        if ct is None and not allow_unused:
            raise RuntimeError(f"autograd.grad: input {index} (shape {x.shape}) was not used "
                               "to compute the outputs; pass allow_unused=True to get None")
        result.append(ct if ct is None or create_graph else ops.stop_gradient(ct))
    return tuple(result)


def _tensor_backward(self: Array, gradient: ArrayLike | None = None,
                     retain_graph: bool | None = None, create_graph: bool = False,
                     inputs: Array | Sequence[Array] | None = None) -> None:
    """PyTorch's ``tensor.backward(gradient=None, retain_graph=None, create_graph=False)``:
    :func:`funtorch.autograd.backward` of this array, which adds d(self)/d(leaf) into every
    leaf's ``.grad``.

    Args:
        gradient: the cotangent (an array of this array's shape); may be left out for a
            scalar, which takes 1.
        retain_graph: keep the recorded graph for another backward (default:
            ``create_graph``).
        create_graph: record the backward pass itself, for higher derivatives.
        inputs: accumulate only into these arrays' ``.grad`` (default: every leaf).

    Raises:
        RuntimeError: this array does not require grad, is not a scalar and no
            ``gradient`` is given, or the graph was freed by an earlier backward.

    Example:
        >>> x = ft.tensor([1.0, 2.0], requires_grad=True)
        >>> (x * x).sum().backward(); x.grad.tolist()  # 2 x
        [2.0, 4.0]
        >>> (3 * x).backward(ft.ones(2)); x.grad.tolist()  # accumulates: + 3
        [5.0, 7.0]
    """
    backward([self], None if gradient is None else [gradient], retain_graph, create_graph,
             inputs)


def _requires_grad_(self: Array, requires_grad: bool = True) -> Array:
    """Mark a leaf array as requiring grad (in place on the tracking flag only).

    Args:
        requires_grad: True to record operations on this array, False to stop.

    Returns:
        This array (so ``ft.ones(2).requires_grad_()`` makes a leaf in one expression).

    Raises:
        RuntimeError: the array is not a leaf (it was computed from tracked arrays).
        TypeError: ``requires_grad`` on an array that is not floating point or complex.

    Example:
        >>> x = ft.ones(2).requires_grad_(); x.requires_grad
        True
        >>> ft.array([1, 2]).requires_grad_()
        Traceback (most recent call last):
        ...
        TypeError: requires_grad_: only floating-point arrays can require gradients, got dtype ...
    """
    if self._node is not None and not self._node.is_leaf:
        raise RuntimeError("requires_grad_: only leaf arrays can be changed; use "
                           "x.detach().requires_grad_() for a new leaf")
    if requires_grad and not is_inexact(self.dtype):
        raise TypeError(f"requires_grad_: only floating-point arrays can require gradients, "
                        f"got dtype {self.dtype}")
    self._node = LEAF if requires_grad else None
    return self


def _set_requires_grad(self: Array, value: bool) -> None:
    _requires_grad_(self, value)


def _requires_grad(self: Array) -> bool:
    """Whether autograd records operations on this array (a leaf marked with
    ``requires_grad=True`` or a result computed from one)."""
    return self._node is not None


Array.backward = _tensor_backward
Array.requires_grad_ = _requires_grad_
Array.requires_grad = property(_requires_grad, _set_requires_grad)

