"""Docstrings of the in-place methods (``x.add_(...)``, ``x.zero_()``) that
``ops/inplace.py`` makes: what the method rebinds, the pure method's arguments, and an example
per method.

The Args come from the pure method ``x.<name>`` (or the function it forwards to, without the
array); :data:`ARGS` holds those no function documents (the random fills, ``fill_``...).
:data:`EXAMPLES` holds each method's example: ``(x, arguments, shown)`` or ``(x, arguments,
expression, shown)``: ``x = <x>``, ``x.<name>(<arguments>) is x``, then ``x.tolist()`` (or
the expression) shows ``shown``, a value computed with NumPy and SciPy.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from funtorch.ops.method_forms import as_self, entries, first_parameter, indent, sections

_NONE = "*args: none: ``x.{name}()`` takes no argument besides the array."
_GENERATOR = ("generator: must be None: draw from the global generator (seed it with "
              "``ft.manual_seed``).")
# the method's arguments where no function documents them
ARGS: dict[str, str] = {
    **{name: _NONE for name in ("digamma_", "erfc_", "erfinv_", "lgamma_", "zero_")},
    "igamma_": "other: the upper limit of integration (an array broadcasting with ``x``).",
    "igammac_": "other: the lower limit of integration (an array broadcasting with ``x``).",
    "polygamma_": "n: the order of the derivative of the digamma function (an int >= 0).",
    "put_": ("index: integer positions in the flattened ``x``.\n"
             "source: the values to write, one per index.\n"
             "accumulate: add ``source`` to the values there instead of replacing them."),
    "renorm_": ("p: the order of the norm.\n"
                "dim: the dimension along which the slices are taken (each ``x[i]`` for 0).\n"
                "maxnorm: the largest norm a slice keeps; larger slices are scaled down to it."),
    "fill_": "value: a scalar, or an array broadcasting to ``x``'s shape.",
    "copy_": ("src: an array (or array-like) broadcasting to ``x``'s shape.\n"
              "non_blocking: accepted for torch's signature (the copy is synchronous)."),
    "fill_diagonal_": ("fill_value: the value written on the main diagonal.\n"
                       "wrap: a tall matrix restarts the diagonal every ``N + 1`` rows."),
    "uniform_": ("a: the lower bound of the interval.\nb: the upper bound (excluded).\n"
                 + _GENERATOR),
    "normal_": "mean: the mean.\nstd: the standard deviation.\n" + _GENERATOR,
    "log_normal_": ("mean: the mean of the normal whose exponential is drawn.\n"
                    "std: its standard deviation.\n" + _GENERATOR),
    "bernoulli_": "p: the probability of a 1 (else 0).\n" + _GENERATOR,
    "cauchy_": "median: the location.\nsigma: the scale (half width at half maximum).\n"
               + _GENERATOR,
    "exponential_": "lambd: the rate (the mean is ``1 / lambd``).\n" + _GENERATOR,
    "geometric_": "p: the probability of success of each trial.\n" + _GENERATOR,
    "random_": ("low: the lowest integer, or, alone, the bound: ``x.random_(n)`` draws from "
                "``[0, n)``.\nhigh: the bound (excluded); with no argument, ``[0, 2**m]`` for a "
                "float dtype of ``m`` mantissa bits and ``[0, max)`` for integers.\n"
                + _GENERATOR),
}
# what the methods without a pure method of their own name compute
SUMMARIES = {
    "zero_": "Fill with zeros.", "fill_": "Fill with ``value``.",
    "copy_": "Copy the values of ``src`` (broadcast to ``x``'s shape, cast to its dtype).",
    "fill_diagonal_": "Set the main diagonal to ``fill_value`` (NumPy's ``fill_diagonal``).",
    "uniform_": "Fill with samples of the uniform distribution on ``[a, b)``.",
    "normal_": "Fill with samples of the normal distribution.",
    "log_normal_": "Fill with samples of the log-normal distribution.",
    "bernoulli_": "Fill with 0/1 samples of a Bernoulli distribution.",
    "cauchy_": "Fill with samples of the Cauchy distribution.",
    "exponential_": "Fill with samples of the exponential distribution.",
    "geometric_": "Fill with samples of the geometric distribution (trials until the first "
                  "success: 1, 2, ...).",
    "random_": "Fill with integers drawn uniformly from ``[low, high)``.",
}
_RANDOM_RAISES = "TypeError: ``generator`` is not None."

# name | x | arguments | [expression |] shown
_TABLE = """
abs_ | [-1.5, 0.5] |  | [1.5, 0.5]
absolute_ | [-1.5, 0.5] |  | [1.5, 0.5]
acos_ | [0.25, 0.5] |  | [1.3181, 1.0472]
acosh_ | [1.5, 2.0] |  | [0.9624, 1.317]
add_ | [1.0, 2.0] | ft.array([0.5, 1.0]), alpha=2.0 | [2.0, 4.0]
addbmm_ | ft.zeros((2, 2)) | ft.ones((3, 2, 4)), ft.ones((3, 4, 2)) | [[12.0, 12.0], [12.0, 12.0]]
addcdiv_ | [1.0, 1.0] | ft.array([1.0, 2.0]), ft.array([2.0, 2.0]), value=2.0 | [2.0, 3.0]
addcmul_ | [1.0, 1.0] | ft.array([1.0, 2.0]), ft.array([2.0, 2.0]), value=0.5 | [2.0, 3.0]
addmm_ | ft.ones((2, 2)) | ft.ones((2, 3)), ft.ones((3, 2)) | [[4.0, 4.0], [4.0, 4.0]]
addmv_ | [1.0, 1.0] | ft.ones((2, 3)), ft.ones(3) | [4.0, 4.0]
addr_ | ft.zeros((2, 2)) | ft.array([1.0, 2.0]), ft.array([1.0, 3.0]) | [[1.0, 3.0], [2.0, 6.0]]
arccos_ | [0.25, 0.5] |  | [1.3181, 1.0472]
arccosh_ | [1.5, 2.0] |  | [0.9624, 1.317]
arcsin_ | [0.25, 0.5] |  | [0.2527, 0.5236]
arcsinh_ | [0.25, 0.5] |  | [0.2475, 0.4812]
arctan_ | [0.25, 0.5] |  | [0.245, 0.4636]
arctan2_ | [1.0, -1.0] | ft.array([1.0, 1.0]) | [0.7854, -0.7854]
arctanh_ | [0.25, 0.5] |  | [0.2554, 0.5493]
asin_ | [0.25, 0.5] |  | [0.2527, 0.5236]
asinh_ | [0.25, 0.5] |  | [0.2475, 0.4812]
atan_ | [0.25, 0.5] |  | [0.245, 0.4636]
atan2_ | [1.0, -1.0] | ft.array([1.0, 1.0]) | [0.7854, -0.7854]
atanh_ | [0.25, 0.5] |  | [0.2554, 0.5493]
baddbmm_ | ft.zeros((1, 2, 2)) | ft.ones((1, 2, 3)), ft.ones((1, 3, 2)) | [[[3.0, 3.0], [3.0, 3.0]]]
bernoulli_ | ft.zeros(3) | 0.5 | set(x.tolist()) <= {0.0, 1.0} | True
bitwise_and_ | ft.array([12, 10]) | ft.array([10, 6]) | [8, 2]
bitwise_left_shift_ | ft.array([1, 3]) | 2 | [4, 12]
bitwise_not_ | ft.array([0, 5]) |  | [-1, -6]
bitwise_or_ | ft.array([12, 10]) | ft.array([10, 6]) | [14, 14]
bitwise_right_shift_ | ft.array([8, 12]) | 2 | [2, 3]
bitwise_xor_ | ft.array([12, 10]) | ft.array([10, 6]) | [6, 12]
cauchy_ | ft.zeros(3) |  | x.shape, x.dtype | ((3,), dtype('float32'))
ceil_ | [-1.5, 0.5] |  | [-1.0, 1.0]
clamp_ | [-2.0, 0.5, 3.0] | -1.0, 1.0 | [-1.0, 0.5, 1.0]
clamp_max_ | [-2.0, 0.5, 3.0] | 1.0 | [-2.0, 0.5, 1.0]
clamp_min_ | [-2.0, 0.5, 3.0] | -1.0 | [-1.0, 0.5, 3.0]
clip_ | [-2.0, 0.5, 3.0] | -1.0, 1.0 | [-1.0, 0.5, 1.0]
copy_ | [1.0, 2.0] | ft.array([3.0, 4.0]) | [3.0, 4.0]
copysign_ | [1.0, 2.0] | -1.0 | [-1.0, -2.0]
cos_ | [0.25, 0.5] |  | [0.9689, 0.8776]
cosh_ | [0.25, 0.5] |  | [1.0314, 1.1276]
cumprod_ | [1.0, 2.0, 3.0] | 0 | [1.0, 2.0, 6.0]
cumsum_ | [1.0, 2.0, 3.0] | 0 | [1.0, 3.0, 6.0]
deg2rad_ | [0.25, 0.5] |  | [0.0044, 0.0087]
digamma_ | [0.25, 0.5] |  | [-4.2275, -1.9635]
div_ | [1.0, 2.0] | 4.0 | [0.25, 0.5]
divide_ | [1.0, 2.0] | 4.0 | [0.25, 0.5]
eq_ | [1.0, 2.0, 3.0] | 2.0 | [0.0, 1.0, 0.0]
erf_ | [0.25, 0.5] |  | [0.2763, 0.5205]
erfc_ | [0.25, 0.5] |  | [0.7237, 0.4795]
erfinv_ | [0.25, 0.5] |  | [0.2253, 0.4769]
exp_ | [0.25, 0.5] |  | [1.284, 1.6487]
exp2_ | [0.25, 0.5] |  | [1.1892, 1.4142]
expm1_ | [0.25, 0.5] |  | [0.284, 0.6487]
exponential_ | ft.zeros(3) | 2.0 | bool(ft.all(x >= 0.0)) | True
fill_ | [1.0, 2.0] | 2.5 | [2.5, 2.5]
fill_diagonal_ | ft.zeros((2, 2)) | 5.0 | [[5.0, 0.0], [0.0, 5.0]]
fix_ | [-1.5, 0.5] |  | [-1.0, 0.0]
float_power_ | [1.0, 2.0] | 3.0 | [1.0, 8.0]
floor_ | [-1.5, 0.5] |  | [-2.0, 0.0]
floor_divide_ | [5.0, -5.0] | 2.0 | [2.0, -3.0]
fmod_ | [5.0, -5.0] | 3.0 | [2.0, -2.0]
frac_ | [-1.5, 0.5] |  | [-0.5, 0.5]
gcd_ | ft.array([4, 6]) | ft.array([6, 4]) | [2, 2]
ge_ | [1.0, 2.0, 3.0] | 2.0 | [0.0, 1.0, 1.0]
geometric_ | ft.zeros(3) | 0.5 | bool(ft.all((x >= 1.0) & (x == ft.round(x)))) | True
greater_ | [1.0, 2.0, 3.0] | 2.0 | [0.0, 0.0, 1.0]
greater_equal_ | [1.0, 2.0, 3.0] | 2.0 | [0.0, 1.0, 1.0]
gt_ | [1.0, 2.0, 3.0] | 2.0 | [0.0, 0.0, 1.0]
heaviside_ | [-1.0, 0.0] | ft.array([0.5, 0.5]) | [0.0, 0.5]
hypot_ | [3.0, 5.0] | ft.array([4.0, 12.0]) | [5.0, 13.0]
i0_ | [0.25, 0.5] |  | [1.0157, 1.0635]
igamma_ | [1.0, 2.0] | ft.array([1.0, 1.0]) | [0.6321, 0.2642]
igammac_ | [1.0, 2.0] | ft.array([1.0, 1.0]) | [0.3679, 0.7358]
index_add_ | ft.zeros(3) | 0, ft.array([0, 2]), ft.array([1.0, 2.0]) | [1.0, 0.0, 2.0]
index_copy_ | ft.zeros(3) | 0, ft.array([2, 0]), ft.array([1.0, 2.0]) | [2.0, 0.0, 1.0]
index_fill_ | ft.zeros(3) | 0, ft.array([1]), 5.0 | [0.0, 5.0, 0.0]
index_put_ | ft.zeros(3) | (ft.array([0, 2]),), ft.array([1.0, 2.0]) | [1.0, 0.0, 2.0]
index_reduce_ | [1.0, 2.0] | 0, ft.array([0, 0]), ft.array([2.0, 5.0]), "prod" | [10.0, 2.0]
lcm_ | ft.array([4, 6]) | ft.array([6, 4]) | [12, 12]
ldexp_ | [1.0, 1.5] | ft.array([2, 3]) | [4.0, 12.0]
le_ | [1.0, 2.0, 3.0] | 2.0 | [1.0, 1.0, 0.0]
lerp_ | [0.0, 1.0] | ft.array([2.0, 3.0]), 0.5 | [1.0, 2.0]
less_ | [1.0, 2.0, 3.0] | 2.0 | [1.0, 0.0, 0.0]
less_equal_ | [1.0, 2.0, 3.0] | 2.0 | [1.0, 1.0, 0.0]
lgamma_ | [0.25, 0.5] |  | [1.288, 0.5724]
log_ | [0.25, 0.5] |  | [-1.3863, -0.6931]
log10_ | [0.25, 0.5] |  | [-0.6021, -0.301]
log1p_ | [0.25, 0.5] |  | [0.2231, 0.4055]
log2_ | [0.25, 0.5] |  | [-2.0, -1.0]
log_normal_ | ft.zeros(3) |  | bool(ft.all(x > 0.0)) | True
logical_and_ | [0.0, 1.0, 2.0] | ft.array([1.0, 1.0, 0.0]) | [0.0, 1.0, 0.0]
logical_not_ | [0.0, 2.0] |  | [1.0, 0.0]
logical_or_ | [0.0, 1.0, 2.0] | ft.array([1.0, 1.0, 0.0]) | [1.0, 1.0, 1.0]
logical_xor_ | [0.0, 1.0, 2.0] | ft.array([1.0, 1.0, 0.0]) | [1.0, 0.0, 1.0]
logit_ | [0.25, 0.5] |  | [-1.0986, 0.0]
lt_ | [1.0, 2.0, 3.0] | 2.0 | [1.0, 0.0, 0.0]
masked_fill_ | [1.0, 2.0, 3.0] | ft.array([True, False, True]), 0.0 | [0.0, 2.0, 0.0]
masked_scatter_ | [1.0, 2.0] | ft.array([False, True]), ft.array([7.0]) | [1.0, 7.0]
mul_ | [1.0, 2.0] | 2.0 | [2.0, 4.0]
multiply_ | [1.0, 2.0] | 2.0 | [2.0, 4.0]
mvlgamma_ | [2.5, 3.0] | 2 | [0.857, 1.5502]
nan_to_num_ | [float("nan"), 0.5] |  | [0.0, 0.5]
ne_ | [1.0, 2.0, 3.0] | 2.0 | [1.0, 0.0, 1.0]
neg_ | [-1.5, 0.5] |  | [1.5, -0.5]
negative_ | [-1.5, 0.5] |  | [1.5, -0.5]
nextafter_ | ft.ones(2, dtype=ft.float64) | 2.0 | x.tolist() == [np.nextafter(1.0, 2.0)] * 2 | True
normal_ | ft.zeros(3) | 0.0, 2.0 | x.shape, x.dtype | ((3,), dtype('float32'))
not_equal_ | [1.0, 2.0, 3.0] | 2.0 | [1.0, 0.0, 1.0]
polygamma_ | [1.0, 2.0] | 1 | [1.6449, 0.6449]
pow_ | [1.0, 2.0] | 2.0 | [1.0, 4.0]
put_ | ft.zeros(3) | ft.array([2]), ft.array([1.0]) | [0.0, 0.0, 1.0]
rad2deg_ | [0.25, 0.5] |  | [14.3239, 28.6479]
random_ | ft.zeros(3, dtype=ft.int64) | 0, 10 | bool(ft.all((x >= 0) & (x < 10))) | True
reciprocal_ | [0.25, 0.5] |  | [4.0, 2.0]
relu_ | [-1.5, 0.5] |  | [0.0, 0.5]
remainder_ | [5.0, -5.0] | 3.0 | [2.0, 1.0]
renorm_ | [[3.0, 4.0], [0.3, 0.4]] | 2, 0, 1.0 | [[0.6, 0.8], [0.3, 0.4]]
round_ | [-1.5, 0.5] |  | [-2.0, 0.0]
rsqrt_ | [0.25, 0.5] |  | [2.0, 1.4142]
scatter_ | ft.zeros(3) | 0, ft.array([2, 0]), ft.array([1.0, 2.0]) | [2.0, 0.0, 1.0]
scatter_add_ | ft.ones(3) | 0, ft.array([0, 0]), ft.array([1.0, 2.0]) | [4.0, 1.0, 1.0]
scatter_reduce_ | ft.ones(3) | 0, ft.array([0, 0]), ft.array([2.0, 3.0]), "amax" | [3.0, 1.0, 1.0]
sgn_ | [-1.5, 0.5] |  | [-1.0, 1.0]
sigmoid_ | [0.25, 0.5] |  | [0.5622, 0.6225]
sign_ | [-1.5, 0.5] |  | [-1.0, 1.0]
sin_ | [0.25, 0.5] |  | [0.2474, 0.4794]
sinc_ | [0.25, 0.5] |  | [0.9003, 0.6366]
sinh_ | [0.25, 0.5] |  | [0.2526, 0.5211]
sqrt_ | [0.25, 0.5] |  | [0.5, 0.7071]
square_ | [0.25, 0.5] |  | [0.0625, 0.25]
squeeze_ | ft.zeros((1, 2)) |  | x.shape | (2,)
sub_ | [1.0, 2.0] | 0.5 | [0.5, 1.5]
subtract_ | [1.0, 2.0] | 0.5 | [0.5, 1.5]
swapaxes_ | ft.zeros((1, 2)) | 0, 1 | x.shape | (2, 1)
swapdims_ | ft.zeros((1, 2)) | 0, 1 | x.shape | (2, 1)
t_ | ft.zeros((1, 2)) |  | x.shape | (2, 1)
tan_ | [0.25, 0.5] |  | [0.2553, 0.5463]
tanh_ | [0.25, 0.5] |  | [0.2449, 0.4621]
transpose_ | ft.zeros((1, 2, 3)) | 0, 2 | x.shape | (3, 2, 1)
tril_ | ft.ones((2, 2)) |  | [[1.0, 0.0], [1.0, 1.0]]
triu_ | ft.ones((2, 2)) |  | [[1.0, 1.0], [0.0, 1.0]]
true_divide_ | [1.0, 2.0] | 4.0 | [0.25, 0.5]
trunc_ | [-1.5, 0.5] |  | [-1.0, 0.0]
uniform_ | ft.zeros(3) | -1.0, 1.0 | bool(ft.all((x >= -1.0) & (x < 1.0))) | True
unsqueeze_ | ft.zeros(2) | 0 | x.shape | (1, 2)
xlogy_ | [0.0, 2.0] | ft.array([0.0, 4.0]) | [0.0, 2.7726]
zero_ | [1.0, 2.0] |  | [0.0, 0.0]
"""
EXAMPLES: dict[str, tuple[str, ...]] = {
    row.split(" | ")[0]: tuple(row.split(" | ")[1:]) for row in _TABLE.strip().splitlines()}

_WHAT = ("funtorch arrays are immutable, so the buffer never changes: the Python object "
         "``x`` is a handle, pointed at the result's buffer (and, when the PyTorch-style tape "
         "records ``x``, at the result's tape node; a leaf stays the leaf), where torch "
         "writes into the storage. Arrays computed from ``x`` before the call keep their "
         "values, and a graph recorded before it still differentiates.")


def _pure_args(name: str, method: Any, fn: Any) -> tuple[str, str]:
    """(Args, Raises) of ``x.<name>_`` from the pure method's docstring, else from the
    function it forwards to without its array argument."""
    sources = [(method, "self")] + ([(fn, first_parameter(fn))] if fn is not None else [])
    for source, skip in sources:
        parts = sections(source.__doc__)[1]
        kept = [text for arg, text in entries(parts.get("Args", "")) if arg != skip]
        if kept and skip is not None:
            first = first_parameter(fn) if fn is not None else None
            return (as_self(as_self("\n".join(kept), skip, "``x``"), first, "``x``"),
                    as_self(as_self(parts.get("Raises", ""), skip, "``x``"), first, "``x``"))
    return _NONE.format(name=name), ""


def inplace_doc(name: str, method: Callable[..., Any] | None = None,
                fn: Callable[..., Any] | None = None, *, reshaping: bool = False) -> str:
    """The docstring of the in-place ``x.<name>(...)``, which rebinds ``x`` to
    ``x.<pure>(...)`` (``method``, forwarding to ``fn``) or to what ``SUMMARIES`` says."""
    pure = name[:-1]
    if method is not None:
        summary = sections(method.__doc__)[0].split("\n\n")[0]
        head = f"In place ``x.{pure}(...)``: rebinds ``x`` to its result and returns ``x``."
        args, raises = _pure_args(pure, method, fn)
    else:
        summary, head = SUMMARIES.get(name, ""), f"In place: ``x.{name}(...)`` returns ``x``."
        args, raises = _NONE.format(name=name), ""
    args = ARGS.get(name, args).replace("{name}", name)
    args, raises = ((text.replace("this array ``x``", "``x``").replace("this array", "``x``"))
                    for text in (args, raises))
    if "generator" in ARGS.get(name, ""):
        raises = _RANDOM_RAISES
    shape = "its new shape" if reshaping else "its shape unchanged"
    fix = f": use the pure ``x.{pure}(...)``" if method is not None else ""
    mismatch = "" if reshaping else ", the result's shape differs from ``x``'s"
    doc = (f"{head}\n\n{summary}\n\n{_WHAT}\n\nArgs:\n{indent(args)}\n\n"
           f"Returns:\n    ``x`` itself (the same object), holding the result cast to its "
           f"dtype, with {shape}.\n\n"
           "Raises:\n    TypeError: ``x`` or the result is traced by a transform "
           f"(``ft.grad``, ``ft.vmap``, ``ft.jit``){fix}.\n"
           "    RuntimeError: ``x`` is a leaf that requires grad while gradients are recorded "
           f"(update it under ``ft.no_grad()``){mismatch}, or the result's dtype cannot be "
           "cast to ``x``'s (``same_kind``).\n" + (indent(raises) + "\n" if raises else ""))
    example = EXAMPLES.get(name)
    if example:
        x = f"ft.array({example[0]})" if example[0].startswith("[") else example[0]
        expr, shown = example[2:] if len(example) == 4 else ("x.tolist()", example[2])
        doc += (f"\nExample:\n    >>> x = {x}\n    >>> x.{name}({example[1]}) is x\n    True\n"
                f"    >>> {expr}\n    {shown}\n")
    return doc
