"""Applying Python functions over arrays: ``vectorize`` (NumPy's generalised-ufunc
``signature`` and ``excluded``), ``apply_along_axis`` and ``apply_over_axes``.

``vectorize`` and ``apply_along_axis`` are built on :func:`funtorch.vmap`: the function
runs once on a batch, never in a Python loop over elements, so the result is
differentiable and stages under ``jit`` like any composition of ops.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from typing import Any

from funtorch import tree
from funtorch.ops.arrays_base import as_array, axis_index
from funtorch import ops
from funtorch.typing import Array, ArrayLike, Axis

_CORE = r"\((?:\w+(?:,\w+)*)?\)"
_ARGS = rf"{_CORE}(?:,{_CORE})*"
_SIGNATURE = re.compile(rf"^{_ARGS}->{_ARGS}$")


def _vmap(fun):
    from funtorch.transforms import vmap  # transforms sit above ops: import at use

    return vmap(fun)


def _parse_signature(signature):
    """``"(m,n),(n)->(m)"`` -> ([("m", "n"), ("n",)], [("m",)])."""
    compact = re.sub(r"\s+", "", signature)
    if not _SIGNATURE.match(compact):
        raise ValueError(f"vectorize: not a valid gufunc signature: {signature!r} (expected "
                         f"e.g. '(n),(n)->()')")
    inputs, outputs = compact.split("->")
    return ([tuple(re.findall(r"\w+", arg)) for arg in re.findall(_CORE, inputs)],
            [tuple(re.findall(r"\w+", arg)) for arg in re.findall(_CORE, outputs)])


def _core_sizes(arrays, cores):
    """Check the core dimensions of every input; returns the broadcast loop shape."""
    sizes, loops = {}, []
    for arr, core in zip(arrays, cores):
        if arr.ndim < len(core):
            raise ValueError(f"vectorize: input with shape {tuple(arr.shape)} does not have "
                             f"enough dimensions for all core dimensions {core}")
        loop = arr.ndim - len(core)
        for name, length in zip(core, arr.shape[loop:]):
            if sizes.setdefault(name, length) != length:
                raise ValueError(f"vectorize: inconsistent size for core dimension {name!r}: "
                                 f"{length} vs {sizes[name]}")
        loops.append(tuple(arr.shape[:loop]))
    return ops.broadcast_shapes(*loops)


def _split_arguments(args, kwargs, excluded):
    """(the vectorised values, a function rebuilding args/kwargs from new values)."""
    positions = [n for n in range(len(args)) if n not in excluded]
    names = [k for k in kwargs if k not in excluded]

    def rebuild(values):
        new_args, new_kwargs = list(args), dict(kwargs)
        for n, value in zip(positions, values):
            new_args[n] = value
        for name, value in zip(names, values[len(positions):]):
            new_kwargs[name] = value
        return new_args, new_kwargs

    return [as_array(args[n]) for n in positions] + [as_array(kwargs[k]) for k in names], rebuild


def vectorize(pyfunc: Callable[..., Any], *, excluded: Any = frozenset(),
              signature: str | None = None) -> Callable[..., Any]:
    """Turn a function of scalars (or of core-shaped arrays, given a gufunc
    ``signature`` such as ``"(n),(n)->()"``) into one that broadcasts over leading
    dimensions, via :func:`funtorch.vmap`.

    Args:
        pyfunc: the function to vectorise.
        excluded: positions (ints) or keyword names (strs) passed through unchanged.
        signature: core dimensions of the inputs and outputs.

    Returns:
        A function taking the same arguments as ``pyfunc`` (array-likes in the vectorised
        positions) and returning its outputs with the broadcast loop dimensions in front; it
        raises ``TypeError`` when called with the wrong number of inputs for ``signature``.

    Raises:
        ValueError: a bad signature, an input without its core dimensions, inconsistent
            core sizes, or a wrong number of arguments or outputs.

    Example:
        >>> dot = ft.vectorize(lambda a, b: ft.sum(a * b), signature="(n),(n)->()")
        >>> dot(ft.ones((4, 3)), ft.ones(3)).shape
        (4,)
    """
    excluded = frozenset(excluded)
    in_cores, out_cores = _parse_signature(signature) if signature is not None else (None, None)

    @functools.wraps(pyfunc)
    def wrapped(*args, **kwargs):
        arrays, rebuild = _split_arguments(args, kwargs, excluded)
        cores = in_cores if in_cores is not None else [()] * len(arrays)
        if len(cores) != len(arrays):
            raise TypeError(f"vectorize: wrong number of positional arguments: the signature "
                            f"{signature!r} expects {len(cores)}, got {len(arrays)}")
        loop = _core_sizes(arrays, cores)
        arrays = [ops.reshape(ops.broadcast_to(a, loop + a.shape[a.ndim - len(c):]),
                              (-1,) + a.shape[a.ndim - len(c):]) for a, c in zip(arrays, cores)]

        def call(*values):
            new_args, new_kwargs = rebuild(list(values))
            out = pyfunc(*new_args, **new_kwargs)
            return tree.map(as_array, out)

        out = call(*(a[0] for a in arrays)) if not loop else _vmap(call)(*arrays)
        if not loop:
            return out
        out = tree.map(lambda leaf: ops.reshape(leaf, loop + leaf.shape[1:]), out)
        if out_cores is not None and len(out_cores) > 1 and (
                not isinstance(out, tuple) or len(out) != len(out_cores)):
            raise ValueError(f"vectorize: the signature {signature!r} has {len(out_cores)} "
                             f"outputs, but the function returned {type(out).__name__}")
        return out

    return wrapped


def apply_along_axis(func1d: Callable[..., Any], axis: Axis, arr: ArrayLike, *args: Any,
                     **kwargs: Any) -> Array:
    """Apply ``func1d`` to every 1-d slice of ``arr`` along ``axis`` (vectorised with
    :func:`funtorch.vmap`); the output dimensions of ``func1d`` replace ``axis``.

    Args:
        func1d: a function of one 1-D array (plus ``args``/``kwargs``) returning an array of
            any shape (the same for every slice).
        axis: the axis of ``arr`` whose slices are passed.
        arr: the input array.
        *args: extra positional arguments for ``func1d``.
        **kwargs: extra keyword arguments for ``func1d``.

    Returns:
        An array of shape ``arr.shape[:axis] + out.shape + arr.shape[axis + 1:]``, ``out``
        being one result of ``func1d``.

    Raises:
        ValueError: an empty iteration dimension.

    Example:
        >>> ft.apply_along_axis(lambda r: r[0] + r[-1], 1, ft.array([[1, 2], [3, 4]])).tolist()
        [3, 7]
    """
    arr = as_array(arr)
    axis = axis_index(axis, arr.ndim, "apply_along_axis")
    moved = ops.moveaxis(arr, axis, -1)
    loop = tuple(moved.shape[:-1])
    if math.prod(loop) == 0:
        raise ValueError(f"apply_along_axis: cannot apply_along_axis when any iteration "
                         f"dimensions are 0 (shape {tuple(arr.shape)}, axis {axis})")
    rows = ops.reshape(moved, (-1, moved.shape[-1]))
    out = _vmap(lambda row: as_array(func1d(row, *args, **kwargs)))(rows)
    out = ops.reshape(out, loop + tuple(out.shape[1:]))
    extra = out.ndim - len(loop)
    return ops.moveaxis(out, tuple(range(len(loop), out.ndim)),
                        tuple(range(axis, axis + extra))) if extra else out


def apply_over_axes(func: Callable[..., Any], a: ArrayLike, axes: Axis) -> Array:
    """Apply ``func(a, axis)`` repeatedly over ``axes``; each result must keep ``a``'s
    dimensions or lose exactly one (which is put back as length 1).

    Args:
        func: a function ``func(a, axis)`` returning an array of ``a``'s rank or one less.
        a: the input array.
        axes: an int or a sequence of ints, applied in order.

    Returns:
        An array of ``a``'s number of dimensions (reduced axes kept with length 1).

    Raises:
        ValueError: ``func`` returning an array of another number of dimensions.

    Example:
        >>> ft.apply_over_axes(ft.sum, ft.ones((2, 3, 4)), [0, 2]).shape
        (1, 3, 1)
    """
    out = as_array(a)
    for axis in ([axes] if isinstance(axes, int) else axes):
        axis = axis + out.ndim if axis < 0 else axis
        result = as_array(func(out, axis))
        if result.ndim == out.ndim - 1:
            result = ops.expand_dims(result, axis)
        elif result.ndim != out.ndim:
            raise ValueError(f"apply_over_axes: function is not returning an array of the "
                             f"correct shape (got {result.ndim} dimensions for an input of "
                             f"{out.ndim})")
        out = result
    return out
