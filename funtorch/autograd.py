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
from typing import Any

from funtorch import autograd_hooks, autograd_engine, complex_grad, ops
from funtorch.autograd_hooks import detect_anomaly, is_anomaly_enabled, set_detect_anomaly  # noqa
from funtorch.core import (
    _STATE, _TRACER_TYPES, LEAF, Array, Primitive, bind, canonical, record, wrap,
)
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
        autograd_engine.run_backward([canonical(t) for t in tensors], cts, retain, inputs,
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
        autograd_engine.run_backward([canonical(o) for o in outputs], cts, retain, inputs,
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
    :func:`funtorch.autograd.backward` of this array."""
    backward([self], None if gradient is None else [gradient], retain_graph, create_graph,
             inputs)


def _requires_grad_(self: Array, requires_grad: bool = True) -> Array:
    """Mark a leaf array as requiring grad (in place on the tracking flag only)."""
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


# Custom functions ----------------------------------------------------------------------


class FunctionCtx:
    """The ``ctx`` passed to :meth:`Function.forward` and :meth:`Function.backward`."""

    def __init__(self, needs_input_grad):
        self.saved_tensors = ()
        self.needs_input_grad = needs_input_grad
        self._cache = None

    def save_for_backward(self, *tensors):
        """Keep arrays for ``backward`` (read them back from ``ctx.saved_tensors``)."""
        self.saved_tensors = tensors


_FUNCTION_MSG = ("{cls}: subclasses of ft.autograd.Function must define static methods "
                 "`forward(ctx, *inputs)` and `backward(ctx, *grad_outputs)`, and are used "
                 "through `{cls}.apply(*inputs)`")


def _run_forward(cls, args, needs):
    """``cls.forward`` on ``args`` with a fresh ctx and recording off (PyTorch runs forward
    under no_grad); returns ``(out, ctx)``."""
    ctx = FunctionCtx(needs)
    with no_grad():
        out = cls.forward(ctx, *args)
    if not isinstance(out, Array):
        raise TypeError(f"{cls.__name__}.forward must return one funtorch array, got "
                        f"{type(out).__name__}")
    return out, ctx


def _function_impl(cls):
    def impl(xp, *bufs, holder):
        inputs = [wrap(b) if hasattr(b, "shape") and hasattr(b, "dtype") else b for b in bufs]
        return _run_forward(cls, inputs, holder["needs"])[0]._buf
    return impl


def _function_shape(cls):
    def shape(*avals, holder):
        inputs = [ops.zeros(a.shape, a.dtype) if hasattr(a, "shape") else a for a in avals]
        out = _run_forward(cls, inputs, holder["needs"])[0]
        return out.shape, out.dtype
    return shape


def _function_vjp_fwd(cls):
    # reverse mode over traced inputs: forward runs on the tracers themselves, so the
    # tensors it saves (and backward's ops on them) stay visible to outer transforms
    def fwd(*args, holder):
        return _run_forward(cls, args, holder["needs"])
    return fwd


def _function_vjp(cls, index):
    def rule(g, ans, *args, holder, residuals=None):
        ctx = residuals if residuals is not None else holder.get("ctx")
        if ctx is None:  # staged by jit: the residuals of this replay are not kept
            ctx = _run_forward(cls, args, holder["needs"])[1]
        if ctx._cache is None or ctx._cache[0] is not g:
            # backward is written in PyTorch's convention: it takes and returns the
            # conjugates of the engine's cotangents for complex values (complex_grad.py)
            grads = cls.backward(ctx, complex_grad.torch_convention(g))
            ctx._cache = (g, _check_function_grads(cls, grads, args))
        grad_in = ctx._cache[1][index]
        return ops.zeros_like(args[index]) if grad_in is None else grad_in
    return rule


def _check_function_grads(cls, grads, args):
    grads = grads if isinstance(grads, tuple) else (grads,)
    if len(grads) != len(args):
        raise RuntimeError(f"{cls.__name__}.backward returned {len(grads)} gradients but "
                           f"forward took {len(args)} inputs; return one per input (None for "
                           "inputs without a gradient)")
    out = []
    for index, (g, arg) in enumerate(zip(grads, args)):
        if g is not None and isinstance(arg, Array):
            g = ops.asarray(g)
            if tuple(g.shape) != tuple(arg.shape):
                raise RuntimeError(f"{cls.__name__}.backward returned an invalid gradient at "
                                   f"index {index}: got shape {tuple(g.shape)} but expected "
                                   f"shape {tuple(arg.shape)} (the input's)")
            if g.dtype.kind == "c" and arg.dtype.kind != "c":  # torch refuses it too
                raise RuntimeError(f"{cls.__name__}.backward returned a complex gradient "
                                   f"({g.dtype}) at index {index} for a real input "
                                   f"({arg.dtype}); return its real part (`grad.real`)")
            g = complex_grad.torch_convention(g)
        out.append(g)
    return tuple(out)


def _function_no_jvp(*unused, **params):
    raise TypeError("jvp: forward-mode autodiff of an ft.autograd.Function is not supported "
                    "(PyTorch needs a jvp staticmethod for it); write the operation with "
                    "ft.custom_jvp, or use reverse mode")


def _function_batch(cls):
    # vmap sees only the forward computation (as torch.func does without a vmap rule);
    # vmap(grad(...)) still uses backward, through the vjp_fwd path with batched tracers
    def batch(args, bdims, holder):
        from funtorch.transforms.vmap import vmap

        def run(*xs):
            return _run_forward(cls, xs, holder["needs"])[0]
        return vmap(run, in_axes=tuple(bdims))(*args), 0
    return batch


def _function_primitive(cls, arity):
    cache = cls.__dict__.get("_ft_primitives")
    if cache is None:
        cache = {}
        setattr(cls, "_ft_primitives", cache)
    if arity not in cache:
        cache[arity] = Primitive(
            cls.__name__, _function_impl(cls), shape=_function_shape(cls),
            vjp=tuple(_function_vjp(cls, i) for i in range(arity)),
            jvp=tuple(_function_no_jvp for _ in range(arity)), batch=_function_batch(cls),
            vjp_fwd=_function_vjp_fwd(cls), torch_name=cls.__name__, register=False)
    return cache[arity]


class Function:
    """A differentiable operation with a hand-written backward pass (PyTorch's API).

    Args:
        *args: none: a Function is not instantiated (``__init__`` raises a TypeError,
            ``**kwargs`` too); call ``Sub.apply(*inputs)``, which passes them to ``forward``.

    Example:
        >>> class Exp(ft.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         y = ft.exp(x); ctx.save_for_backward(y); return y
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         (y,) = ctx.saved_tensors; return g * y
        >>> x = ft.tensor(0.0, requires_grad=True)
        >>> y = Exp.apply(x); y.backward()
        >>> float(y), float(x.grad)  # exp(0), d exp/dx at 0
        (1.0, 1.0)
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError(_FUNCTION_MSG.format(cls=type(self).__name__))

    @classmethod
    def apply(cls, *args: Any) -> Array:
        """Run ``forward`` on ``args`` and record ``backward`` as its derivative.

        Args:
            *args: the inputs ``forward`` takes after ``ctx`` (arrays and other values).

        Returns:
            ``forward``'s array; differentiable through ``backward`` eagerly and under
            ``ft.grad``/``vjp``/``jit``.

        Raises:
            TypeError: the subclass does not define ``forward`` and ``backward``, or
                ``forward`` does not return one array.
            RuntimeError: ``backward`` returns the wrong number or shapes of gradients.
        """
        if cls.forward is Function.forward or cls.backward is Function.backward:
            raise TypeError(_FUNCTION_MSG.format(cls=cls.__name__))
        needs = tuple(isinstance(a, Array) and a.requires_grad for a in args)
        prim = _function_primitive(cls, len(args))
        if any(type(a) in _TRACER_TYPES for a in args):  # a transform is watching: its rules
            return bind(prim, *args, holder={"needs": needs})
        # eager: forward runs once on the arrays themselves, so ctx.saved_tensors are the
        # caller's arrays (with their grad_fn) and create_graph=True differentiates backward
        out, ctx = _run_forward(cls, args, needs)
        out = wrap(out._buf)
        if _STATE.grad_enabled and any(needs) and is_inexact(out.dtype):
            out._node = record(prim, args, {"holder": {"needs": needs, "ctx": ctx}})
        return out

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any) -> Array:
        """The computation (override as a staticmethod); save what ``backward`` needs with
        ``ctx.save_for_backward``. Runs with recording off, as in PyTorch."""
        raise TypeError(_FUNCTION_MSG.format(cls="Function"))

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Array) -> Any:
        """The derivative (override as a staticmethod): the output's cotangent in, one
        gradient per ``forward`` input out (a tuple, ``None`` for an input without one)."""
        raise TypeError(_FUNCTION_MSG.format(cls="Function"))
