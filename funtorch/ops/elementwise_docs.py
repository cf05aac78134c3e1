"""The docstrings of funtorch/ops/elementwise.py's public functions, kept here so that file
(the primitives and their rules) stays within 400 lines: the templates its factories fill,
and the sections the hand-written functions append to their summary line (:func:`sections`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

_F = TypeVar("_F", bound=Callable[..., object])

UNARY_DOC = """Elementwise ``{name}`` (NumPy semantics; integer inputs become the default float).

    Args:
        x: an array or a scalar; integer and bool inputs become the default float dtype.

    Returns:
        An array of ``x``'s shape: float inputs keep their dtype.

    Example:
        >>> ft.{name}(ft.array([0.5, 1.0])).tolist()
        {out}
    """
BINARY_DOC = """Elementwise ``{name}`` with NumPy broadcasting and weak Python scalars.

    Args:
        x: an array or a scalar.
        y: an array or a scalar, broadcastable with ``x``.

    Returns:
        An array of the broadcast shape in the operands' promoted dtype (weak scalars).

    Raises:
        ValueError: if the shapes cannot be broadcast (both shapes are named).

    Example:
        >>> ft.{name}(ft.array([1.0, 2.0]), 2.0).tolist()
        {out}
    """
# The examples' outputs, computed with NumPy/SciPy and shown to 4 decimals (doctests compare
# floats to the digits shown): unary ones at [0.5, 1.0], binary ones at ([1.0, 2.0], 2.0).
EXAMPLE_OUT = {
    "exp": "[1.6487, 2.7183]", "log": "[-0.6931, 0.0]", "log1p": "[0.4055, 0.6931]",
    "expm1": "[0.6487, 1.7183]", "sqrt": "[0.7071, 1.0]", "sin": "[0.4794, 0.8415]",
    "cos": "[0.8776, 0.5403]", "tan": "[0.5463, 1.5574]", "arcsin": "[0.5236, 1.5708]",
    "arccos": "[1.0472, 0.0]", "arctan": "[0.4636, 0.7854]", "sinh": "[0.5211, 1.1752]",
    "cosh": "[1.1276, 1.5431]", "tanh": "[0.4621, 0.7616]", "sigmoid": "[0.6225, 0.7311]",
    "erf": "[0.5205, 0.8427]", "reciprocal": "[2.0, 1.0]",
    "add": "[3.0, 4.0]", "subtract": "[-1.0, 0.0]", "multiply": "[2.0, 4.0]",
    "maximum": "[2.0, 2.0]", "minimum": "[1.0, 2.0]", "logaddexp": "[2.3133, 2.6931]",
    "floor_divide": "[0.0, 1.0]", "mod": "[1.0, 0.0]",
}


def doc(template: str, name: str) -> str:
    return template.format(name=name, out=EXAMPLE_OUT[name])


_KEEPS_DTYPE = "An array of ``x``'s shape and dtype."
# name: (what x may be, what comes back, the example's input, its output). The outputs are
# exact in binary floating point, worked out by hand from the definitions (and NumPy's).
_UNARY_SECTIONS = {
    "negative": ("a numeric array or scalar (bool has no negative: use ``logical_not``)",
                 _KEEPS_DTYPE, "[1.0, -2.5]", "[-1.0, 2.5]"),
    "abs": ("an array or a scalar of any numeric dtype, complex included",
            "An array of ``x``'s shape: its dtype, or the matching real dtype for complex "
            "input (``|complex64|`` is float32).", "[-1.5, 0.0, 2.0]", "[1.5, 0.0, 2.0]"),
    "relu": ("an array or a scalar", _KEEPS_DTYPE, "[-1.0, 0.0, 2.5]", "[0.0, 0.0, 2.5]"),
    "square": ("an array or a scalar, complex included", _KEEPS_DTYPE, "[-1.5, 3.0]",
               "[2.25, 9.0]"),
    "sign": ("a numeric (not bool) array or scalar",
             "-1, 0 or 1 (NaN stays NaN), in ``x``'s shape and dtype.", "[-2.5, 0.0, 3.0]",
             "[-1.0, 0.0, 1.0]"),
    "floor": ("an array or a scalar; integer and bool arrays come back unchanged",
              "The largest integer not above each element, in ``x``'s shape and dtype.",
              "[-1.5, 0.5, 2.0]", "[-2.0, 0.0, 2.0]"),
    "ceil": ("an array or a scalar; integer and bool arrays come back unchanged",
             "The smallest integer not below each element, in ``x``'s shape and dtype.",
             "[-1.5, 0.5, 2.0]", "[-1.0, 1.0, 2.0]"),
}
_OTHER_SECTIONS = {
    "round": """
    Args:
        x: an array or a scalar; integer arrays keep their dtype.
        decimals: the number of decimal places (negative: round to tens, hundreds...).

    Returns:
        An array of ``x``'s shape and dtype.

    Example:
        >>> ft.round(ft.array([0.5, 1.5, 2.5])).tolist()
        [0.0, 2.0, 2.0]
        >>> ft.round(ft.array([1250.0, 1350.0]), -2).tolist()
        [1200.0, 1400.0]
    """,
    "power": """
    Args:
        x: the base, an array or a scalar.
        y: the exponent, an array or a scalar broadcasting with ``x``.

    Returns:
        An array of the broadcast shape in the operands' promoted dtype (Python scalars are
        weak: ``float32_array ** 3`` is float32).

    Example:
        >>> ft.power(ft.array([1.0, 2.0, 3.0]), 2).tolist()
        [1.0, 4.0, 9.0]
        >>> ft.power(4.0, ft.array([0.5, -1.0])).tolist()
        [2.0, 0.25]
    """,
    "arctan2": """
    Args:
        x1: the y-coordinates (the numerator), an array or a scalar.
        x2: the x-coordinates (the denominator), broadcasting with ``x1``.

    Returns:
        The angles in radians, in ``[-pi, pi]``, of the broadcast shape (integer operands
        give the default float dtype).

    Example:
        >>> ft.arctan2(ft.array([1.0, -1.0]), -1.0).tolist()  # 3 pi / 4, -3 pi / 4
        [2.3562, -2.3562]
    """,
}


def sections(fn: _F) -> _F:
    """Append ``fn``'s Args/Returns/Example sections (looked up by its name) to its summary."""
    name = fn.__name__
    if name in _UNARY_SECTIONS:
        arg, returns, given, out = _UNARY_SECTIONS[name]
        text = (f"\n    Args:\n        x: {arg}.\n\n    Returns:\n        {returns}\n\n"
                f"    Example:\n        >>> ft.{name}(ft.array({given})).tolist()\n"
                f"        {out}\n    ")
    else:
        text = _OTHER_SECTIONS[name]
    fn.__doc__ = (fn.__doc__ or "").rstrip() + "\n" + text
    return fn
