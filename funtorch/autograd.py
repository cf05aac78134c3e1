"""PyTorch-style imperative autograd over the same primitives and VJP rules.

``requires_grad=True`` marks a leaf; eager ops on tracked arrays record a
:class:`funtorch.core.Node` (``grad_fn``); ``backward()`` walks those nodes with the
primitives' VJP rules and writes leaves' ``.grad``. ``no_grad()`` pauses recording.
"""

from __future__ import annotations

import functools

from funtorch import ops
from funtorch.core import _GRAD_ENABLED, LEAF, Array, OutputRef, Primitive, bind, wrap
from funtorch.dtypes import is_float

__all__ = ["backward", "grad", "Function", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled"]

_FREED = ("backward: trying to backward through the graph a second time (or directly "
          "access saved tensors after they have already been freed). Saved intermediate "
          "values of the graph are freed when you call .backward() or autograd.grad(). "
          "Specify retain_graph=True if you need to backward through the graph a second time.")
_NOT_SCALAR = ("backward: grad can be implicitly created only for scalar outputs, got shape "
               "{shape}; pass `gradient=` (a cotangent of the same shape), e.g. "
               "`y.backward(ft.ones_like(y))`, or reduce first with `y.sum().backward()`")
_NO_GRAD_FN = ("{fn}: element {index} of tensors does not require grad and does not have a "
               "grad_fn; create the inputs with requires_grad=True (and do not call it "
               "inside ft.no_grad())")


class set_grad_enabled:
    """Context manager (and decorator) switching PyTorch-style recording on or off."""

    def __init__(self, mode: bool):
        self.mode = bool(mode)
        self.prev = _GRAD_ENABLED[0]
        _GRAD_ENABLED[0] = self.mode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _GRAD_ENABLED[0] = self.prev

    def __call__(self, fn):
        mode = self.mode
        _GRAD_ENABLED[0] = self.prev

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        return wrapper


class no_grad(set_grad_enabled):
    """``with ft.no_grad():`` ops record no ``grad_fn`` (PyTorch semantics); also a decorator.

    Example:
        >>> x = ft.ones(2, requires_grad=True)
        >>> with ft.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    def __init__(self):
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Re-enable recording inside a ``no_grad`` block; also a decorator."""

    def __init__(self):
        super().__init__(True)


def is_grad_enabled() -> bool:
    """Whether PyTorch-style recording is on."""
    return _GRAD_ENABLED[0]


def _tracked_args(node):
    if node.args is None:
        raise RuntimeError(_FREED)
    return [a if isinstance(a, Array) and a._node is not None else None for a in node.args]


def _parents(item):
    """Graph edges: an array points at its node's tracked inputs, or (for an output of a
    multiple-results primitive) at the shared node, which points at its inputs."""
    if not isinstance(item, Array):
        return _tracked_args(item)
    node = item._node
    if node.is_leaf:
        return ()
    if type(node) is OutputRef:
        return (node.node,)
    return _tracked_args(node)


def _add(cts, key, ct):
    prev = cts.get(key)
    cts[key] = ct if prev is None else prev + ct


def _pull_back(node, ct, ans, cts):
    rules, args, params = node.prim.vjp, node.args, node.params
    for index, arg in enumerate(args):
        if isinstance(arg, Array) and arg._node is not None:
            _add(cts, id(arg), rules[index](ct, ans, *args, **params))


def _backprop(roots, root_cts, retain_graph, keep=()):
    """Walk the recorded graph from ``roots``; return ``{id(leaf or kept): (array, ct)}``."""
    cts: dict = {}
    found: dict = {}
    keep_ids = {id(k) for k in keep}
    for root, ct in zip(roots, root_cts):
        _add(cts, id(root), ct)
    for item in _toposort(roots):
        ct = cts.pop(id(item), None)
        if ct is None:
            continue
        if not isinstance(item, Array):  # the shared node of a multiple-results primitive
            full = tuple(ops.zeros_like(o) if c is None else c for c, o in zip(ct, item.outs))
            _pull_back(item, full, item.outs, cts)
            if not retain_graph:
                item.args = None
            continue
        node = item._node
        if id(item) in keep_ids or node.is_leaf:
            prev = found.get(id(item))
            found[id(item)] = (item, ct if prev is None else prev[1] + ct)
            if node.is_leaf:
                continue
        if type(node) is OutputRef:
            slots = cts.setdefault(id(node.node), [None] * len(node.node.outs))
            prev = slots[node.index]
            slots[node.index] = ct if prev is None else prev + ct
            continue
        _pull_back(node, ct, item, cts)
        if not retain_graph:
            node.args = None
    return found


def _toposort(roots):
    """Graph items reachable from ``roots``, every item before all of its parents."""
    order, seen = [], set()
    stack = [(root, False) for root in roots]
    while stack:
        item, done = stack.pop()
        if done:
            order.append(item)
            continue
        if id(item) in seen:
            continue
        seen.add(id(item))
        stack.append((item, True))
        for parent in _parents(item):
            if parent is not None and id(parent) not in seen:
                stack.append((parent, False))
    order.reverse()
    return order


def _as_cotangent(out, gradient, fn, index):
    if out._node is None:
        raise RuntimeError(_NO_GRAD_FN.format(fn=fn, index=index))
    if gradient is None:
        if out.size != 1:
            raise RuntimeError(_NOT_SCALAR.format(shape=out.shape))
        return ops.ones_like(out)
    gradient = ops.asarray(gradient)
    if gradient.shape != out.shape:
        raise RuntimeError(f"{fn}: gradient has shape {gradient.shape} but the output has "
                           f"shape {out.shape}; they must match")
    return gradient


def _seq(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d(tensors)/d(leaf) into every reachable leaf's ``.grad``.

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
        found = _backprop(tensors, cts, retain)
    wanted = None if inputs is None else {id(x) for x in _seq(inputs)}
    for key, (leaf, ct) in found.items():
        if wanted is not None and key not in wanted:
            continue
        if not create_graph:
            ct = ops.stop_gradient(ct)
        leaf.grad = ct if leaf.grad is None else leaf.grad + ct


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False):
    """Return d(outputs)/d(inputs) as a tuple without touching ``.grad`` (PyTorch's).

    Raises:
        RuntimeError: an input the outputs do not depend on (unless ``allow_unused``).

    Example:
        >>> x = ft.tensor(3.0, requires_grad=True); ft.autograd.grad(x ** 2, x)
        (array(6.),)
    """
    outputs, inputs = _seq(outputs), _seq(inputs)
    grads = _seq(grad_outputs) if grad_outputs is not None else [None] * len(outputs)
    retain = create_graph if retain_graph is None else retain_graph
    with set_grad_enabled(create_graph):
        cts = [_as_cotangent(o, g, "autograd.grad", i) for i, (o, g) in
               enumerate(zip(outputs, grads))]
        found = _backprop(outputs, cts, retain, keep=inputs)
    result = []
    for index, x in enumerate(inputs):
        entry = found.get(id(x))
        if entry is None and not allow_unused:
            raise RuntimeError(f"autograd.grad: input {index} (shape {x.shape}) was not used "
                               "to compute the outputs; pass allow_unused=True to get None")
        ct = None if entry is None else entry[1]
        result.append(ct if ct is None or create_graph else ops.stop_gradient(ct))
    return tuple(result)


def _tensor_backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """PyTorch's ``tensor.backward(gradient=None, retain_graph=None, create_graph=False)``."""
    backward([self], None if gradient is None else [gradient], retain_graph, create_graph,
             inputs)


def _requires_grad_(self, requires_grad=True):
    """Mark a leaf array as requiring grad (in place on the tracking flag only)."""
    if self._node is not None and not self._node.is_leaf:
        raise RuntimeError("requires_grad_: only leaf arrays can be changed; use "
                           "x.detach().requires_grad_() for a new leaf")
    if requires_grad and not is_float(self.dtype):
        raise TypeError(f"requires_grad_: only floating-point arrays can require gradients, "
                        f"got dtype {self.dtype}")
    self._node = LEAF if requires_grad else None
    return self


def _set_requires_grad(self, value):
    _requires_grad_(self, value)


Array.backward = _tensor_backward
Array.requires_grad_ = _requires_grad_
Array.requires_grad = property(lambda self: self._node is not None, _set_requires_grad)


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


def _function_impl(cls):
    def impl(xp, *bufs, ctx):
        inputs = [wrap(b) if hasattr(b, "shape") and hasattr(b, "dtype") else b for b in bufs]
        with no_grad():
            out = cls.forward(ctx, *inputs)
        if not isinstance(out, Array):
            raise TypeError(f"{cls.__name__}.forward must return one funtorch array, got "
                            f"{type(out).__name__}")
        return out._buf
    return impl


def _function_vjp(cls, index):
    def rule(g, ans, *args, ctx):
        if ctx._cache is None or ctx._cache[0] is not g:
            grads = cls.backward(ctx, g)
            grads = grads if isinstance(grads, tuple) else (grads,)
            if len(grads) != len(args):
                raise RuntimeError(f"{cls.__name__}.backward returned {len(grads)} gradients "
                                   f"but forward took {len(args)} inputs; return one per input "
                                   "(None for inputs without a gradient)")
            ctx._cache = (g, grads)
        grad_in = ctx._cache[1][index]
        return ops.zeros_like(args[index]) if grad_in is None else ops.asarray(grad_in)
    return rule


def _function_primitive(cls, arity):
    cache = cls.__dict__.get("_ft_primitives")
    if cache is None:
        cache = {}
        setattr(cls, "_ft_primitives", cache)
    if arity not in cache:
        cache[arity] = Primitive(
            cls.__name__, _function_impl(cls), shape=lambda *a, ctx: (None, None),
            vjp=tuple(_function_vjp(cls, i) for i in range(arity)), torch_name=cls.__name__,
            register=False)
    return cache[arity]


class Function:
    """A differentiable operation with a hand-written backward pass (PyTorch's API).

    Example:
        >>> class Exp(ft.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         y = ft.exp(x); ctx.save_for_backward(y); return y
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         (y,) = ctx.saved_tensors; return g * y
        >>> Exp.apply(ft.tensor(0.0, requires_grad=True))
    """

    def __init__(self, *args, **kwargs):
        raise TypeError(_FUNCTION_MSG.format(cls=type(self).__name__))

    @classmethod
    def apply(cls, *args):
        if cls.forward is Function.forward or cls.backward is Function.backward:
            raise TypeError(_FUNCTION_MSG.format(cls=cls.__name__))
        needs = tuple(isinstance(a, Array) and a.requires_grad for a in args)
        return bind(_function_primitive(cls, len(args)), *args, ctx=FunctionCtx(needs))

    @staticmethod
    def forward(ctx, *args):
        raise TypeError(_FUNCTION_MSG.format(cls="Function"))

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise TypeError(_FUNCTION_MSG.format(cls="Function"))
