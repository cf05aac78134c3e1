"""ZeroPad, ConstantPad, ReflectionPad, ReplicationPad and CircularPad (1d/2d/3d):
``F.pad`` with a stored ``padding`` (an int is used on every side)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Literal

from funtorch.nn import functional as F
from funtorch.nn._layer_docs import method_doc, repr_doc
from funtorch.nn.module import Module
from funtorch.typing import Array, ArrayLike

__all__ = ["ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d",
           "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d",
           "CircularPad2d", "CircularPad3d"]  # literal, so a type checker reads it


class _PadNd(Module):
    _nd = 1
    _mode: ClassVar[Literal["constant", "reflect", "replicate", "circular"]] = "constant"

    def __init__(self, padding: int | Sequence[int]) -> None:
        super().__init__()
        width = 2 * self._nd
        padding = (padding,) * width if isinstance(padding, int) else tuple(padding)
        if len(padding) != width:
            raise ValueError(f"{type(self).__name__}: padding must be an int or {width} ints, "
                             f"got {padding!r}")
        self.padding = padding

    @method_doc("Pad the last ``nd`` axes of ``input`` (the layer's ``Nd``) by ``padding``.",
                args="an array with at least ``nd`` axes, e.g. ``(N, C, L)`` or ``(C, L)`` for a "
                     "1d layer.",
                returns="An array of ``input``'s dtype, each padded axis longer by its two widths.",
                example=">>> nn.CircularPad1d(1).forward(ft.array([[1.0, 2.0, 3.0]])).tolist()\n"
                        "[[3.0, 1.0, 2.0, 3.0, 1.0]]")
    def forward(self, input: ArrayLike) -> Array:
        value = getattr(self, "value", None) if self._mode == "constant" else None
        return F.pad(input, self.padding, self._mode, value)

    @repr_doc("nn.ReflectionPad1d((1, 2))", "'(1, 2)'")
    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: int | Sequence[int], value: float) -> None:
        super().__init__(padding)
        self.value = value

    @repr_doc("nn.ConstantPad1d(1, 0.5)", "'padding=(1, 1), value=0.5'")
    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding: int | Sequence[int]) -> None:
        super().__init__(padding, 0.0)

    @repr_doc("nn.ZeroPad2d(1)", "'(1, 1, 1, 1)'")
    def extra_repr(self) -> str:
        return f"{self.padding}"


_DOC = """Pad the last {nd} axes ({mode}); ``padding`` is ``(left, right{more})`` or an int.

    Args:
        padding: the widths (last axis first), or one int for every side.{value_arg}

    Raises:
        ValueError: ``padding`` is neither an int nor {width} ints.

    Example:
        >>> pad = ft.nn.{name}(1{value})
        >>> pad(ft.ones((1, 2{shape}))).shape
        (1, 2{out})
    """
_MORE = {1: "", 2: ", top, bottom", 3: ", top, bottom, front, back"}
_KINDS = {"Zero": (_ZeroPadNd, "constant", "zeros"),
          "Constant": (_ConstantPadNd, "constant", "a constant ``value``"),
          "Reflection": (_PadNd, "reflect", "mirrored without repeating the edge"),
          "Replication": (_PadNd, "replicate", "repeating the edge"),
          "Circular": (_PadNd, "circular", "wrapping around")}

for _kind, (_base, _mode, _what) in _KINDS.items():
    for _nd in (1, 2, 3):
        _name = f"{_kind}Pad{_nd}d"
        globals()[_name] = type(_name, (_base,), {
            "_nd": _nd, "_mode": _mode, "__module__": __name__, "__qualname__": _name,
            "__doc__": _DOC.format(
                nd=_nd, mode=_what, more=_MORE[_nd], name=_name, width=2 * _nd,
                value=", 0.5" if _kind == "Constant" else "", shape=", 4" * _nd,
                out=", 6" * _nd, value_arg="\n        value: the fill value."
                if _kind == "Constant" else "")})
del _kind, _base, _mode, _what, _nd, _name

if TYPE_CHECKING:  # what the loop above makes, spelled out for a type checker
    ZeroPad1d = ZeroPad2d = ZeroPad3d = _ZeroPadNd
    ConstantPad1d = ConstantPad2d = ConstantPad3d = _ConstantPadNd
    ReflectionPad1d = ReflectionPad2d = ReflectionPad3d = _PadNd
    ReplicationPad1d = ReplicationPad2d = ReplicationPad3d = _PadNd
    CircularPad1d = CircularPad2d = CircularPad3d = _PadNd
