"""Hand-written sections of the torch-style :class:`funtorch.Array` methods whose function
lacks them (:func:`funtorch.ops.torch_method_docs.method_doc` reads :data:`SECTIONS`).

Expected outputs are worked out by hand (``[[1, 5], [7, 2]]``: row maxima 5 and 7 at
columns 1 and 0; ``log(e^0 + e^0) = log 2``).
"""

from __future__ import annotations


def _only(target: str, returns: str) -> dict[str, str]:
    return {"Args": f"*args: none (``{target}`` takes only this array).\n**kwargs: none.",
            "Returns": returns}


_SAME = "A float array of this array's shape."
_X = "x = ft.array([[1.0, 5.0], [7.0, 2.0]])"
_DIM = "dim: the axis (negative counts from the end)."
_DIMS = "dim: an axis or a tuple of axes (None or ``()``: all of them)."
_KEEP = "keepdim: keep the reduced axes with length 1."
_OUT = "out: unsupported (must be None)."
_TRI = ("diagonal: which diagonal bounds the triangle (0 the main one, positive above it, "
        "negative below).")


def _reduce(name: str, returns: str, values: str, dim: str = _DIMS) -> dict[str, str]:
    """A reduction over ``dim`` of ``[[1, 2], [3, 4]]``: torch's along 1, NumPy's along 0."""
    return {"Args": f"{dim}\n{_KEEP}", "Returns": returns,
            "Example": f">>> x = ft.array([[1.0, 2.0], [3.0, 4.0]])\n"
                       f">>> x.{name}(1).tolist(), x.{name}(axis=0).tolist()\n{values}"}


def _over_x(name: str, args: str, returns: str, values: str) -> dict[str, str]:
    """A reduction of ``[[1, 5], [7, 2]]`` along 1 and over everything."""
    return {"Args": args, "Returns": returns,
            "Example": f">>> {_X}\n>>> x.{name}(1).tolist(), x.{name}().item()\n{values}"}


def _spread(name: str, what: str, example: str) -> dict[str, str]:
    return {"Args": f"{_DIMS}\nunbiased: the legacy spelling of ``correction`` (True is 1, "
                    f"False 0).\n{_KEEP}\ncorrection: the divisor is ``n - correction`` "
                    f"(default 1).",
            "Returns": f"The {what}, of this (floating) array's dtype.", "Example": example}


def _extreme(name: str, what: str, values: str) -> dict[str, str]:
    return {"Args": f"dim: the axis, or an array ``other`` for the elementwise {what}.\n{_KEEP}",
            "Returns": f"The {what} (0-d) without ``dim``; with it a named tuple "
                       f"``(values, indices)``\n(indices int64); with ``other`` an array of "
                       f"the broadcast shape.",
            "Example": f">>> {_X}\n>>> x.{name}(1).values.tolist(), x.{name}(1).indices."
                       f"tolist(), x.{name}().item()\n{values}"}


# method name -> {section: body (unindented; continuation lines of an entry indented 4)}
SECTIONS: dict[str, dict[str, str]] = {
    "sum": _reduce("sum", "The sums; bool and integer arrays give int64.",
                   "([3.0, 7.0], [4.0, 6.0])"),
    "mean": _reduce("mean", "The means, of this (floating) array's dtype.",
                    "([1.5, 3.5], [2.0, 3.0])"),
    "prod": _reduce("prod", "The products; bool and integer arrays give int64.",
                    "([2.0, 12.0], [3.0, 8.0])", "dim: one axis (None: all of them)."),
    "var": _spread("var", "variances", ">>> x = ft.array([1.0, 2.0])\n"
                   ">>> x.var(0).item(), x.var(axis=0).item()  # NumPy's ddof=0\n(0.5, 0.25)"),
    "std": _spread("std", "standard deviations", ">>> x = ft.array([1.0, 3.0])\n"
                   ">>> round(x.std(0).item(), 4), x.std(axis=0).item()  # sqrt(2), 1\n"
                   "(1.4142, 1.0)"),
    "max": _extreme("max", "maximum", "([5.0, 7.0], [1, 0], 7.0)"),
    "min": _extreme("min", "minimum", "([1.0, 2.0], [0, 1], 1.0)"),
    "argmax": _over_x("argmax", f"dim: the axis (None: the flattened array).\n{_KEEP}",
                      "An int64 array of the indices of the maxima (the first among ties).",
                      "([1, 0], 2)"),
    "argmin": _over_x("argmin", f"dim: the axis (None: the flattened array).\n{_KEEP}",
                      "An int64 array of the indices of the minima (the first among ties).",
                      "([0, 1], 0)"),
    "cumsum": {"Args": _DIM,
               "Returns": "An array of this array's shape; bool and integer arrays give int64.",
               "Example": f">>> {_X}\n>>> x.cumsum(0).tolist(), x.cumsum().tolist()  # NumPy's: "
                          f"flat\n([[1.0, 5.0], [8.0, 7.0]], [1.0, 6.0, 13.0, 15.0])"},
    "all": {"Args": f"{_DIMS}\n{_KEEP}",
            "Returns": "A bool array: whether every element over ``dim`` is true (non-zero).",
            "Example": ">>> b = ft.array([[True, False], [True, True]])\n"
                       ">>> b.all(1).tolist(), b.all().item()\n([False, True], False)"},
    "any": {"Args": f"{_DIMS}\n{_KEEP}",
            "Returns": "A bool array: whether some element over ``dim`` is true (non-zero).",
            "Example": ">>> b = ft.array([[False, False], [True, False]])\n"
                       ">>> b.any(1).tolist(), b.any().item()\n([False, True], True)"},
    "logsumexp": {"Args": f"{_DIMS}\n{_KEEP}",
                  "Returns": "``log(sum(exp(x)))`` over ``dim``, of the (floating) dtype.",
                  "Example": ">>> round(ft.array([0.0, 0.0]).logsumexp(0).item(), 4)  # log 2\n"
                             "0.6931"},
    "squeeze": {"Args": "dim: an axis or a tuple of axes to drop when of size 1 (None: all "
                        "size-1 axes).",
                "Returns": "An array of this array's dtype without those axes.",
                "Example": ">>> x = ft.zeros((1, 2, 1))\n>>> x.squeeze(0).shape, x.squeeze().shape\n"
                           "((2, 1), (2,))"},
    "flip": {"Args": "dims: an axis or a sequence of axes to reverse.",
             "Returns": "An array of this array's shape and dtype.",
             "Example": ">>> ft.array([[1, 2], [3, 4]]).flip(1).tolist()\n[[2, 1], [4, 3]]"},
    "sort": {"Args": f"{_DIM}\ndescending: sort from the largest.\nstable: keep the order of "
                     f"equal elements.",
             "Returns": "A named tuple ``(values, indices)`` of this array's shape (indices "
                        "int64).",
             "Example": ">>> values, indices = ft.array([3.0, 1.0, 2.0]).sort()\n"
                        ">>> values.tolist(), indices.tolist()\n([1.0, 2.0, 3.0], [1, 2, 0])"},
    "argsort": {"Args": f"{_DIM}\ndescending: sort from the largest.\nstable: keep the order "
                        f"of equal elements.",
                "Returns": "An int64 array of this array's shape.",
                "Example": ">>> x = ft.array([3.0, 1.0, 2.0])\n"
                           ">>> x.argsort().tolist(), x.argsort(descending=True).tolist()\n"
                           "([1, 2, 0], [0, 2, 1])"},
    "add": {"Args": "other: an array or a scalar broadcasting with this array.\nalpha: the "
                    "scale of ``other``.\nout: unsupported (must be None).",
            "Returns": "``x + alpha * other``, of the broadcast shape and promoted dtype."},
    "amax": _over_x("amax", f"{_DIMS}\n{_KEEP}\n{_OUT}", "The maxima, of this array's dtype.",
                    "([5.0, 7.0], 7.0)"),
    "amin": _over_x("amin", f"{_DIMS}\n{_KEEP}\n{_OUT}", "The minima, of this array's dtype.",
                    "([1.0, 2.0], 1.0)"),
    "count_nonzero": {"Args": "dim: an axis or a tuple of axes (None: all of them).",
                      "Returns": "An int64 array of the counts.",
                      "Example": ">>> ft.array([[0, 1], [2, 3]]).count_nonzero(1).tolist()\n"
                                 "[1, 2]"},
    "cumprod": {"Args": f"{_DIM}\ndtype: the dtype to cast to first.\nout: unsupported (must "
                        f"be None).",
                "Returns": "An array of this array's shape; bool and integer arrays give int64.",
                "Example": ">>> ft.array([1.0, 2.0, 3.0]).cumprod(0).tolist()\n[1.0, 2.0, 6.0]"},
    "diff": {"Args": "n: how many times to difference.\ndim: the axis.\nprepend: values put "
                     "before this array along ``dim`` first (or None).\nappend: values put "
                     "after it (or None).",
             "Returns": "An array ``n`` shorter along ``dim`` (after ``prepend``/``append``).",
             "Example": ">>> x = ft.array([1.0, 4.0, 9.0])\n"
                        ">>> x.diff().tolist(), x.diff(2).tolist()\n([3.0, 5.0], [2.0])"},
    "diag": {"Args": "diagonal: which diagonal (0 the main one, positive above it).\nout: "
                     "unsupported (must be None).",
             "Returns": "For a matrix, the 1-d diagonal; for a vector, the square matrix with it "
                        "on\nthat diagonal.",
             "Example": ">>> ft.array([1, 2]).diag().tolist(), ft.array([[1, 2], [3, 4]])"
                        ".diag(1).tolist()\n([[1, 0], [0, 2]], [2])"},
    "diagonal": {"Args": "offset: which diagonal (0 the main one, positive above it).\ndim1, "
                         "dim2: the two axes of the plane.",
                 "Returns": "An array without ``dim1`` and ``dim2``, the diagonal as its last "
                            "axis.",
                 "Example": ">>> x = ft.array([[1, 2], [3, 4]])\n"
                            ">>> x.diagonal().tolist(), x.diagonal(1).tolist()\n([1, 4], [2])"},
    "median": {"Args": f"dim: the axis (None: all elements).\n{_KEEP}\nout: unsupported (must "
                       f"be None).",
               "Returns": "The lower median (0-d) without ``dim``; with it a named tuple\n"
                          "``(values, indices)`` (indices int64)."},
    "nanmedian": {"Args": f"dim: the axis (None: all elements).\n{_KEEP}\nout: unsupported "
                          f"(must be None).",
                  "Returns": "The lower median of the non-NaN elements (0-d) without ``dim``; "
                             "with it a\nnamed tuple ``(values, indices)`` (indices int64)."},
    "nanmean": {"Args": f"{_DIMS}\n{_KEEP}\ndtype: the dtype to cast to first.\nout: "
                        f"unsupported (must be None).",
                "Returns": "The means of the non-NaN elements (NaN where there are none).",
                "Example": ">>> ft.array([1.0, float(\"nan\"), 3.0]).nanmean().item()\n2.0"},
    "nansum": {"Args": f"{_DIMS}\n{_KEEP}\ndtype: the dtype to cast to first.\nout: "
                       f"unsupported (must be None).",
               "Returns": "The sums with NaN read as 0; bool and integer arrays give int64.",
               "Example": ">>> ft.array([1.0, float(\"nan\"), 3.0]).nansum().item()\n4.0"},
    "roll": {"Args": "shifts: an int or a tuple of ints, one per axis of ``dims``.\ndims: an "
                     "axis or a tuple of axes (None: roll the flattened array).",
             "Returns": "An array of this array's shape and dtype.",
             "Example": ">>> ft.array([1, 2, 3]).roll(1).tolist()\n[3, 1, 2]"},
    "rot90": {"Args": "k: the number of quarter turns (from ``dims[0]`` towards ``dims[1]``).\n"
                      "dims: the two axes of the plane.",
              "Returns": "An array of this array's dtype (the two axes swapped for odd ``k``).",
              "Example": ">>> ft.array([[1, 2], [3, 4]]).rot90().tolist()\n[[2, 4], [1, 3]]"},
    "split": {"Args": "split_size_or_sections: the size of every piece (an int), or the list "
                      "of sizes.\ndim: the axis.",
              "Returns": "A tuple of arrays.",
              "Raises": "RuntimeError: a size that is not positive, or sizes that do not sum to "
                        "the length\n    of ``dim``."},
    "tril": {"Args": f"{_TRI}\nout: unsupported (must be None).",
             "Returns": "An array of this array's shape and dtype, zero above the triangle.",
             "Example": ">>> ft.ones((2, 2)).tril().tolist()\n[[1.0, 0.0], [1.0, 1.0]]"},
    "triu": {"Args": f"{_TRI}\nout: unsupported (must be None).",
             "Returns": "An array of this array's shape and dtype, zero below the triangle.",
             "Example": ">>> ft.ones((2, 2)).triu(1).tolist()\n[[0.0, 1.0], [0.0, 0.0]]"},
    "det": _only("ft.linalg.det", "The determinants, of shape (...) for matrices (..., n, n)."),
    "inverse": _only("ft.linalg.inv", "The inverses, of this array's shape (..., n, n)."),
    "matrix_exp": {"Args": "*args: none.\n**kwargs: ``ft.scipy.linalg.expm``'s options "
                           "(``upper_triangular``, ``max_squarings``), none\n    needed.",
                   "Returns": "The exponentials, of this array's shape (..., n, n)."},
    "digamma": _only("ft.special.digamma", _SAME), "erfc": _only("ft.special.erfc", _SAME),
    "erfinv": _only("ft.special.erfinv", _SAME), "lgamma": _only("ft.special.gammaln", _SAME),
    "igamma": {"Args": "other: the upper limits ``x >= 0``, broadcasting with this array (the "
                       "shapes ``a``)."},
    "igammac": {"Args": "other: the lower limits ``x >= 0``, broadcasting with this array (the "
                        "shapes ``a``)."},
    "xlogy": {"Args": "other: the array ``y`` (broadcasting with this array ``x``)."},
    "matrix_power": {"Args": "n: an integer exponent (negative powers invert the matrix "
                             "first)."},
    "hardshrink": {"Args": "lambd: the threshold (default 0.5).",
                   "Returns": "An array of this array's shape and dtype: the elements of "
                              "magnitude above\n``lambd``, 0 elsewhere.",
                   "Example": ">>> ft.array([-1.0, 0.25, 2.0]).hardshrink().tolist()\n"
                              "[-1.0, 0.0, 2.0]"},
    "prelu": {"Args": "weight: the slopes of the negative part: ``(C,)`` for this array's "
                      "channels\n    (axis 1), or one element.",
              "Returns": "An array of this array's shape and dtype.",
              "Example": ">>> ft.array([-2.0, 3.0]).prelu(ft.array([0.25])).tolist()\n"
                         "[-0.5, 3.0]"},
    "select": {"Example": ">>> ft.array([[1, 2, 3], [4, 5, 6]]).select(1, -1).tolist()\n"
                          "[3, 6]"},
    "geqrf": {"Args": "out: unsupported (must be None)."},
    "orgqr": {"Example": ">>> a, tau = ft.array([[3.0], [4.0]]).geqrf()\n"
                         ">>> a.orgqr(tau).tolist()  # the reflector's first column\n"
                         "[[-0.6], [-0.8]]"},
}
