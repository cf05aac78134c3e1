"""Every public function of ft, ft.linalg, ft.special and ft.stats, called with a complex
array, either gives NumPy's (or SciPy's) answer or raises a TypeError: never a silently
different value (a dropped imaginary part, a real kernel run on complex data).

The walk is generic (``tests/test_namespace_walk.py``'s list of functions): ``fn(z)`` and
then ``fn(z, w)`` with complex128 ``z``, ``w`` of shape (3,) and (3, 3). The oracle is the
function of the same name in ``numpy``, ``numpy.linalg`` or ``scipy.special``; a function
with no oracle must refuse (TypeError) or return only non-floating values, or be listed in
``UNCHECKED`` with the reason its answer is right.
"""

import itertools

import numpy as np
import pytest
import scipy.integrate
import scipy.linalg
import scipy.special

import funtorch as ft
from test_namespace_walk import NAMESPACES, _functions

POINTS = {
    (3,): np.array([0.23 + 0.4j, -0.37 + 0.1j, 0.61 - 0.8j]),
    (3, 3): np.array([[0.71 + 0.2j, 0.13, 0.22 - 0.3j], [0.18 - 0.1j, 0.64 + 0.5j, 0.09],
                      [0.27, 0.16 + 0.2j, 0.83 - 0.4j]]),
}
ORACLES = {"ft": [np], "ft.linalg": [np.linalg], "ft.special": [scipy.special],
           "ft.stats": []}
# functions whose answer for these arguments cannot be compared (the reason is the value)
DIFFERENT_CONVENTION = {
    "ft.empty_like": "unspecified values",
    **{f"ft.{name}": "the second argument is a shape, count or dtype for NumPy: funtorch "
       "reads an array there differently for real arrays too" for name in (
           "broadcast_shapes", "array_split", "astype", "can_cast", "hsplit", "issubdtype",
           "promote_types", "resize", "split", "tile")},
}
# functions with no NumPy/SciPy oracle that accept complex input, and why that is right
UNCHECKED = {"ft.randint_like": "random integers stored in the input's dtype"}


def _diag_embed(z):
    out = np.zeros(z.shape + z.shape[-1:], z.dtype)
    index = np.arange(z.shape[-1])
    out[..., index, index] = z
    return out


def _pdist(z):
    return np.array([np.linalg.norm(z[i] - z[j]) for i, j in itertools.combinations(
        range(len(z)), 2)])


def _unique_consecutive(z):
    flat = z.ravel()
    return flat[np.r_[True, flat[1:] != flat[:-1]]]


def _radians(z):
    return z * (np.pi / 180)


def _degrees(z):
    return z * (180 / np.pi)


# torch spellings of NumPy functions (the oracle for ``ft.<torch name>``), and JAX's answer
# where NumPy refuses complex input but JAX computes it (deg2rad: a multiplication)
EXTRA_ORACLES = {
    "adjoint": lambda z: np.conj(np.swapaxes(z, -1, -2)),
    "block_diag": scipy.linalg.block_diag, "broadcast_tensors": np.broadcast_arrays,
    "cartesian_prod": lambda *zs: np.array(list(itertools.product(*zs))).squeeze(),
    "cat": np.concatenate, "clone": np.copy, "detach": np.copy, "flatten": np.ravel,
    "combinations": lambda z: np.array(list(itertools.combinations(z, 2))),
    "cumulative_trapezoid": scipy.integrate.cumulative_trapezoid, "trapz": np.trapezoid,
    "diag_embed": _diag_embed, "pdist": _pdist, "unique_consecutive": _unique_consecutive,
    "frobenius_norm": np.linalg.norm, "norm": np.linalg.norm,
    "hardshrink": lambda z: np.where(np.abs(z) > 0.5, z, 0),
    "msort": lambda z: np.sort(z, axis=0), "neg": np.negative, "rsqrt": lambda z: 1 / np.sqrt(z),
    "std_mean": lambda z: (np.std(z, ddof=1), np.mean(z)),
    "var_mean": lambda z: (np.var(z, ddof=1), np.mean(z)),
    "t": np.transpose, "tensor": np.array, "as_tensor": np.asarray, "unbind": list,
    "zero": np.zeros_like,
    "div": np.divide, "mul": np.multiply, "sub": np.subtract, "ger": np.outer, "mm": np.matmul,
    "mv": np.matmul, "fill": lambda x, value: np.broadcast_to(value, x.shape),
    "slice_scatter": lambda x, src: np.broadcast_to(src, x.shape),
    "dist": lambda x, y: np.linalg.norm((x - y).ravel()),
    "cdist": lambda x, y: np.linalg.norm(x[:, None] - y[None], axis=-1),
    "deg2rad": _radians, "radians": _radians, "rad2deg": _degrees, "degrees": _degrees,
}
# results whose order NumPy leaves unspecified
UNORDERED = {"unique_values"}


def _oracle(prefix, name):
    base = name.split(".")[-1]
    if base in EXTRA_ORACLES and prefix == "ft":
        return EXTRA_ORACLES[base]
    for module in ORACLES[prefix]:
        fn = getattr(module, base, None)
        if callable(fn) and not isinstance(fn, type):
            return fn
    if base.endswith("_") and prefix == "ft":  # in-place spelling: the pure one, in x's dtype
        pure = _oracle(prefix, name[:-1])
        if pure is None:
            return None
        return lambda x, *rest: np.asarray(pure(x, *rest)).astype(x.dtype)
    return None


def _inexact_leaves(out):
    return [leaf for leaf in ft.tree.leaves(out) if isinstance(leaf, (complex, float)) or (
        isinstance(leaf, (ft.Array, np.ndarray, np.generic)) and leaf.dtype.kind in "fc")]


def _differs(got, want):
    if want.dtype.kind not in "biufc" or got.dtype.kind not in "biufc":
        return None if str(got) == str(want) else f"{got} vs numpy {want}".replace("\n", " ")
    if got.shape != want.shape or not np.allclose(got, want, rtol=1e-6, atol=1e-9,
                                                  equal_nan=True):
        return f"value {got.ravel()[:3]} vs numpy {want.ravel()[:3]}".replace("\n", " ")
    if want.dtype.kind == "c" and got.dtype.kind != "c":
        return f"dtype {got.dtype}: the imaginary part was dropped"
    return None


def _call(fn, args):
    with np.errstate(all="ignore"):
        try:
            return fn(*args), None
        except Exception as exc:  # noqa: BLE001 - the kind of refusal is what is checked
            return None, exc


def _check(prefix, name, fn, shape):
    z = POINTS[shape]
    w = np.flip(z) * 0.5 + 0.3
    oracle = _oracle(prefix, name)
    for host_args in ([z], [z, w]):
        out, exc = _call(fn, [ft.array(a) for a in host_args])
        if exc is not None:
            if isinstance(exc, TypeError) and "complex" in str(exc):
                return None  # a refusal
            continue  # another signature may fit
        if oracle is None:
            if not _inexact_leaves(out) or name in UNCHECKED:
                return None
            return f"no oracle, and it returned a {np.asarray(_inexact_leaves(out)[0]).dtype} value"
        expected, oracle_exc = _call(oracle, host_args)
        if oracle_exc is not None:
            return f"numpy raises {type(oracle_exc).__name__}, funtorch returned a value"
        got, want = ft.tree.leaves(out), [np.asarray(e) for e in ft.tree.leaves(expected)]
        if len(got) != len(want):
            return f"{len(got)} results, numpy gives {len(want)}"
        for g, e in zip(got, want):
            g = np.asarray(g)
            if name.split(".")[-1] in UNORDERED:
                g, e = np.sort(g, axis=None), np.sort(e, axis=None)
            why = _differs(g, e)
            if why:
                return why
        return None
    return None


@pytest.mark.parametrize("prefix", sorted(NAMESPACES))
def test_complex_inputs_match_numpy_or_are_refused(prefix):
    failures = {}
    for name, fn in _functions(NAMESPACES[prefix], prefix):
        if name in DIFFERENT_CONVENTION:
            continue
        for shape in POINTS:
            why = _check(prefix, name, fn, shape)
            if why is not None:
                failures[f"{name} {shape}"] = why
    assert not failures, "\n".join(f"{k}: {v}" for k, v in sorted(failures.items()))
