"""PyTorch's in-place spellings (``x.add_(1)``, ``p.grad.zero_()``, ``x += 1``) on
immutable arrays.

Buffers never change. The Python object is a handle: an in-place method computes the
pure function of the same maths (``x.add(1)``, looked up when called, so there is one
implementation) and rebinds the handle to the new buffer and, for an array tracked by
the PyTorch-style tape, to the new tape node (torch bumps the version instead). The
tape records its arguments' nodes and buffers, never the handles (``tape.record``), so a
graph recorded before the call still differentiates, and arrays derived from ``x`` before it keep their old
values (torch's views would change; see ``ops/README.md``, "In-place methods").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import math

import numpy as np

import funtorch as ft
from funtorch import ops
from funtorch.core import _STATE, _TRACER_TYPES, Array, wrap
from funtorch.ops.doc_cache import doc
from funtorch.ops.inplace_docs import inplace_doc

# torch's in-place functions, ``torch.exp_(x)`` == ``x.exp_()``
FUNCTIONS = ("abs_ acos_ acosh_ addmv_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ "
             "asin_ asinh_ atan_ atanh_ ceil_ clamp_ clamp_max_ clamp_min_ clip_ cos_ cosh_ "
             "deg2rad_ detach_ erf_ erfc_ exp2_ exp_ expm1_ fill_ fix_ floor_ frac_ gcd_ i0_ "
             "lcm_ log10_ log1p_ log2_ log_ logit_ nan_to_num_ neg_ negative_ rad2deg_ "
             "reciprocal_ round_ rsqrt_ sigmoid_ sin_ sinc_ sinh_ sqrt_ square_ tan_ tanh_ "
             "trunc_ xlogy_ zero_").split()

__all__ = list(FUNCTIONS)

_LEAF_MSG = ("{name}: a leaf Variable that requires grad is being used in an in-place "
             "operation (funtorch follows PyTorch); do it under `with ft.no_grad():` (an "
             "update of parameters), or use the pure spelling `y = x.{pure}(...)`")
_TRACED_MSG = ("{name}: in-place methods cannot rebind a value traced by {transform} "
               "(inside `{fun}`); use the pure spelling `x = x.{pure}(...)` (or `ft.{pure}`)")
_SHAPE_MSG = ("{name}: output with shape {shape} doesn't match the broadcast shape {new}; an "
              "in-place method keeps the shape of the array it is called on")
_DTYPE_MSG = ("{name}: result type {new} can't be cast to the desired output type {dtype}; "
              "an in-place method keeps the dtype of the array it is called on")

# in-place methods allowed to change the shape (torch's in-place views)
_RESHAPING = {"squeeze_", "unsqueeze_", "t_", "transpose_", "swapaxes_", "swapdims_"}


def _traced_error(name, x):
    trace = x._trace
    return TypeError(_TRACED_MSG.format(name=name, transform=trace.transform,
                                        fun=trace.fun_name, pure=name.rstrip("_")))


def rebind(self, new, name, *, keep_shape=True):
    """Point the handle ``self`` at ``new``'s buffer (and tape node); returns ``self``.

    Raises:
        TypeError: ``self`` or the result is a tracer of a transform.
        RuntimeError: ``self`` is a leaf requiring grad while recording is on; the
            result's shape or dtype differs from ``self``'s.
    """
    pure = name.rstrip("_")
    if type(self) in _TRACER_TYPES:
        raise _traced_error(name, self)
    if type(new) in _TRACER_TYPES:
        raise _traced_error(name, new)
    node = self._node
    leaf = node is not None and node.is_leaf
    if leaf and _STATE.grad_enabled:
        raise RuntimeError(_LEAF_MSG.format(name=name, pure=pure))
    new = ft.asarray(new)
    if keep_shape and tuple(new.shape) != tuple(self.shape):
        raise RuntimeError(_SHAPE_MSG.format(name=name, shape=tuple(self.shape),
                                             new=tuple(new.shape)))
    if new.dtype != self.dtype:
        if not np.can_cast(new.dtype, self.dtype, "same_kind"):
            raise RuntimeError(_DTYPE_MSG.format(name=name, new=new.dtype, dtype=self.dtype))
        new = new.astype(self.dtype)
    self._buf = new._buf
    if not leaf:  # a leaf stays the leaf (its .grad and identity); others follow the tape
        self._node = new._node
    extra = getattr(self, "_extra", None)
    if extra is not None and extra.get("base") is not None:  # ``p.data`` of a box
        extra["base"]._buf = new._buf
    return self


def _pure(name: str) -> Callable[..., Any]:
    """The pure function ``name`` for ``x``: the Array method, else ``ft.<name>(x, ...)``."""
    def call(self: Array, *args: Any, **kwargs: Any) -> Any:
        method = getattr(type(self), name, None)
        if method is not None:
            return method(self, *args, **kwargs)
        return getattr(ft, name)(self, *args, **kwargs)
    return call


def _make(name: str, compute: Callable[..., Any]) -> Callable[..., Array]:
    def method(self: Array, *args: Any, **kwargs: Any) -> Array:
        if type(self) in _TRACER_TYPES:
            raise _traced_error(name, self)
        return rebind(self, compute(self, *args, **kwargs), name,
                      keep_shape=name not in _RESHAPING)
    method.__name__ = method.__qualname__ = name
    pure = getattr(Array, name[:-1], None) if name not in _SPECIAL else None
    wrapped = pure and _wrapped(name[:-1])
    method.__doc__ = doc(f"inplace.{name}", lambda: inplace_doc(
        name, pure, wrapped, reshaping=name in _RESHAPING))
    return method


def _wrapped(name: str) -> Callable[..., Any] | None:
    """The function ``x.<name>`` forwards to (torch's spelling where there are two)."""
    fn = getattr(ops, name, None)
    return getattr(fn, "torch_spelling", fn)


# Special cases: torch in-place methods whose pure spelling is not ``x.<name>(...)`` ----


def _no_generator(name, generator):
    if generator is not None:
        raise TypeError(f"{name}: generator= is not supported; seed the global generator "
                        "with ft.manual_seed, or draw with an ft.random key")


def _unit(self, name, generator):
    _no_generator(name, generator)
    return ft.rand(*self.shape, dtype=ft.float64)


def _zero(self):
    return ft.zeros_like(self)


def _fill(self, value):
    if isinstance(value, Array):
        return ft.broadcast_to(value.astype(self.dtype), self.shape)
    return ft.full_like(self, value)


def _copy(self, src, non_blocking=False):
    return ft.broadcast_to(ft.asarray(src).astype(self.dtype), self.shape)


def _uniform(self, a=0.0, b=1.0, *, generator=None):
    return _unit(self, "uniform_", generator) * (b - a) + a


def _normal(self, mean=0.0, std=1.0, *, generator=None):
    _no_generator("normal_", generator)
    return ft.randn(*self.shape, dtype=ft.float64) * std + mean


def _log_normal(self, mean=1.0, std=2.0, *, generator=None):
    return ft.exp(_normal(self, mean, std, generator=generator))


def _bernoulli(self, p=0.5, *, generator=None):
    return ft.less(_unit(self, "bernoulli_", generator), p)


def _cauchy(self, median=0.0, sigma=1.0, *, generator=None):
    return median + sigma * ft.tan(math.pi * (_unit(self, "cauchy_", generator) - 0.5))


def _exponential(self, lambd=1.0, *, generator=None):
    return -ft.log1p(-_unit(self, "exponential_", generator)) / lambd


def _geometric(self, p, *, generator=None):
    return ft.ceil(ft.log1p(-_unit(self, "geometric_", generator)) / math.log1p(-p))


def _random(self, low=0, high=None, *, generator=None):
    _no_generator("random_", generator)
    if high is None and low == 0:  # torch: [0, 2**mantissa] for floats, [0, max] for ints
        dtype = np.dtype(self.dtype)
        high = (2 ** (np.finfo(dtype).nmant + 1) + 1 if dtype.kind == "f"
                else int(np.iinfo(dtype).max) if dtype.kind in "iu" else 2)
    elif high is None:
        low, high = 0, low
    return ft.randint(low, high, size=tuple(self.shape)).astype(self.dtype)


def _fill_diagonal(self, fill_value, wrap=False):
    return ft.fill_diagonal(self, fill_value, wrap, inplace=False)


def _detach_(self: Array) -> Array:
    """In place ``x.detach_()``: ``x`` stops being tracked (a new leaf without grad).

    The handle keeps its buffer and drops its tape node, as torch's ``detach_``; arrays
    computed from ``x`` before the call are still recorded.

    Returns:
        ``x`` itself, no longer requiring grad.

    Raises:
        TypeError: ``x`` is traced by a transform (``ft.grad``, ``ft.vmap``, ``ft.jit``).

    Example:
        >>> y = ft.ones(2, requires_grad=True) * 2.0
        >>> y.requires_grad, y.detach_() is y, y.requires_grad
        (True, True, False)
    """
    if type(self) in _TRACER_TYPES:
        raise _traced_error("detach_", self)
    self._node = None
    return self


_SPECIAL = {"zero_": _zero, "fill_": _fill, "copy_": _copy, "uniform_": _uniform,
            "normal_": _normal, "log_normal_": _log_normal, "bernoulli_": _bernoulli,
            "cauchy_": _cauchy, "exponential_": _exponential, "geometric_": _geometric,
            "random_": _random, "fill_diagonal_": _fill_diagonal}

INPLACE = (
    "abs absolute acos acosh add addbmm addcdiv addcmul addmm addmv addr arccos arccosh "
    "arcsin arcsinh arctan2 arctan arctanh asin asinh atan2 atan atanh baddbmm bitwise_and "
    "bitwise_left_shift bitwise_not bitwise_or bitwise_right_shift bitwise_xor ceil clamp "
    "clamp_max clamp_min clip copysign cos cosh cumprod cumsum deg2rad digamma div divide eq "
    "erf erfc erfinv exp2 exp expm1 fix float_power floor floor_divide fmod frac gcd ge "
    "greater greater_equal gt heaviside hypot i0 igamma igammac index_add index_copy "
    "index_fill index_put index_reduce lcm ldexp le lerp less less_equal lgamma log10 log1p "
    "log2 log logical_and logical_not logical_or logical_xor logit lt masked_fill "
    "masked_scatter mul multiply mvlgamma nan_to_num ne neg negative nextafter not_equal "
    "polygamma pow put rad2deg reciprocal relu remainder renorm round rsqrt scatter "
    "scatter_add scatter_reduce sgn sigmoid sign sin sinc sinh sqrt square squeeze sub "
    "subtract swapaxes swapdims t tan tanh transpose tril triu true_divide trunc unsqueeze "
    "xlogy").split()

# ``x += y`` and friends: the same rebinding on arrays with a value; a tracer (or a result
# of another shape or dtype, which the old rebinding of the name allowed) gives the new
# array, and Python rebinds the name
_AUGMENTED = {"__iadd__": "__add__", "__isub__": "__sub__", "__imul__": "__mul__",
              "__itruediv__": "__truediv__", "__ifloordiv__": "__floordiv__",
              "__imod__": "__mod__", "__ipow__": "__pow__", "__iand__": "__and__",
              "__ior__": "__or__", "__ixor__": "__xor__", "__ilshift__": "__lshift__",
              "__irshift__": "__rshift__"}


def _augmented(name, op):
    def method(self, other):
        new = getattr(type(self), op)(self, other)
        if new is NotImplemented or type(self) in _TRACER_TYPES or type(new) in _TRACER_TYPES:
            return new
        if tuple(new.shape) != tuple(self.shape) or new.dtype != self.dtype:
            node = self._node
            if node is not None and node.is_leaf and _STATE.grad_enabled:
                raise RuntimeError(_LEAF_MSG.format(name=name, pure=op.strip("_")))
            return new
        return rebind(self, new, name)
    method.__name__ = method.__qualname__ = name
    return method


def _data(self: Array) -> Array:
    """``x.data``: the value as an untracked array sharing ``x``'s buffer; an in-place
    method on it rebinds ``x`` too (``p.data.mul_(0.9)``), as torch's shared storage."""
    if type(self) in _TRACER_TYPES:
        return ft.stop_gradient(self)
    out = wrap(self._buf)
    out._extra = {"base": self}
    return out


def _set_data(self, value):
    value = ft.asarray(value)
    if type(self) in _TRACER_TYPES or type(value) in _TRACER_TYPES:
        raise TypeError("x.data = value: cannot assign or replace a traced value; use the "
                        "pure spelling (a new array)")
    self._buf = value._buf


def attach():
    Array.data = property(_data, _set_data)
    for pure in INPLACE:
        setattr(Array, pure + "_", _make(pure + "_", _pure(pure)))
    for name, compute in _SPECIAL.items():
        setattr(Array, name, _make(name, compute))
    Array.detach_ = _detach_
    for name, op in _AUGMENTED.items():
        setattr(Array, name, _augmented(name, op))



def _function(name: str) -> Callable[..., Array]:
    def fn(input: Array, *args: Any, **kwargs: Any) -> Array:
        if not isinstance(input, Array):
            raise TypeError(f"{name}(): argument 'input' must be an array, got "
                            f"{type(input).__name__}")
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = _function_doc(name)
    return fn


# the example's input and extra arguments, where ``[0.25, 0.5]`` and none do not fit
_EXAMPLE = {"acosh_": ("[1.5, 2.0]", ""), "arccosh_": ("[1.5, 2.0]", ""),
            "gcd_": ("[4, 6]", ", ft.array([6, 4])"), "lcm_": ("[4, 6]", ", ft.array([6, 4])"),
            "addmv_": ("[0.25, 0.5]", ", ft.ones((2, 3)), ft.ones(3)"),
            "clamp_": ("[0.25, 0.5]", ", 0.3"), "clamp_max_": ("[0.25, 0.5]", ", 0.3"),
            "clamp_min_": ("[0.25, 0.5]", ", 0.3"), "clip_": ("[0.25, 0.5]", ", 0.0, 0.3"),
            "fill_": ("[0.25, 0.5]", ", 2.0"), "xlogy_": ("[0.25, 0.5]", ", ft.array([2.0, 3.0])")}


def _function_doc(name: str) -> str:
    pure = name[:-1]
    values, extra = _EXAMPLE.get(name, ("[0.25, 0.5]", ""))
    if name not in ("zero_", "detach_"):  # (ft is still importing: no hasattr)
        example = (f">>> x = ft.array({values}); expected = ft.{pure}(x{extra})\n"
                   f">>> ft.{name}(x{extra}) is x, bool(ft.all(x == expected))\n(True, True)")
    else:  # zero_, detach_: no pure function of that name
        example = f">>> x = ft.array({values})\n>>> ft.{name}(x) is x\nTrue"
    return (f"``ft.{name}(x, ...)`` is ``x.{name}(...)``: rebinds ``x`` to "
            f"``ft.{pure}(x, ...)`` and returns it (PyTorch's in-place function).\n\n"
            "Args:\n"
            "    input: the array whose handle is rebound (the buffer itself never changes).\n"
            f"    *args: the other arguments of ``x.{pure}``.\n"
            "    **kwargs: its keyword arguments.\n\n"
            "Returns:\n"
            "    ``input`` itself, holding the new values (same shape and dtype).\n\n"
            "Raises:\n"
            "    TypeError: ``input`` is not an array, is traced by a transform, or the\n"
            "        result does not fit its shape or dtype.\n"
            "    RuntimeError: ``input`` is a leaf that requires grad while recording is on.\n\n"
            "Example:\n" + "\n".join("    " + line for line in example.splitlines()) + "\n")


attach()
globals().update({name: _function(name) for name in FUNCTIONS})
