"""``ft.autograd.Function``: PyTorch's custom differentiable operations (a hand-written
``forward``/``backward`` pair), recorded as one primitive so that ``backward()``, ``ft.grad``,
``vjp``, ``jit`` and ``vmap`` all see it (re-exported by ``funtorch/autograd.py``).
"""

from __future__ import annotations

from typing import Any

from funtorch import complex_grad, ops
from funtorch.core import _STATE, _TRACER_TYPES, Array, Primitive, bind, record, wrap
from funtorch.dtypes import is_inexact
from funtorch.grad_mode import no_grad

__all__ = ["Function", "FunctionCtx"]


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
        return ctx._cache[1][index]  # None: no gradient (the leaf's .grad stays None)
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

        Example:
            >>> class Double(ft.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         return 2 * x
            ...     @staticmethod
            ...     def backward(ctx, g):
            ...         return 2 * g
            >>> float(Double.apply(ft.array(1.5))), float(ft.grad(Double.apply)(ft.array(1.5)))
            (3.0, 2.0)
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
            out._node = record(prim, args, {"holder": {"needs": needs, "ctx": ctx}}, out._buf)
        return out

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any) -> Array:
        """The computation (override as a staticmethod); save what ``backward`` needs with
        ``ctx.save_for_backward``. Runs with recording off, as in PyTorch.

        Args:
            ctx: a fresh context: ``ctx.save_for_backward(*arrays)``, ``ctx.needs_input_grad``
                (one bool per input) and any attribute you set, read back in ``backward``.
            *args: the inputs given to ``apply`` (arrays and other values).

        Returns:
            One funtorch array.

        Raises:
            TypeError: on ``Function`` itself (a subclass overrides it).

        Example:
            >>> class Cube(ft.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         ctx.save_for_backward(x)
            ...         return x ** 3
            ...     @staticmethod
            ...     def backward(ctx, g):
            ...         (x,) = ctx.saved_tensors
            ...         return 3 * x ** 2 * g
            >>> Cube.apply(ft.array([2.0])).tolist()
            [8.0]
        """
        raise TypeError(_FUNCTION_MSG.format(cls="Function"))

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Array) -> Any:
        """The derivative (override as a staticmethod): the output's cotangent in, one
        gradient per ``forward`` input out (a tuple, ``None`` for an input without one).

        Args:
            ctx: the context ``forward`` filled (``ctx.saved_tensors``, attributes).
            *grad_outputs: the cotangent of ``forward``'s output (its shape), in
                PyTorch's convention for complex values.

        Returns:
            One gradient per ``forward`` input, each of that input's shape, or None; a
            single array when ``forward`` takes one input.

        Raises:
            TypeError: on ``Function`` itself (a subclass overrides it).

        Example:
            >>> class Scale(ft.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x, factor):
            ...         ctx.factor = factor
            ...         return x * factor
            ...     @staticmethod
            ...     def backward(ctx, g):
            ...         return g * ctx.factor, None  # no gradient for the number
            >>> x = ft.tensor([1.0, 2.0], requires_grad=True)
            >>> Scale.apply(x, 3.0).sum().backward(); x.grad.tolist()
            [3.0, 3.0]
        """
        raise TypeError(_FUNCTION_MSG.format(cls="Function"))
