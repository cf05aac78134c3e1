"""Jacobians and Hessians as compositions of transforms (``vmap`` over ``vjp``/``jvp``).

A Jacobian of output leaf ``o`` with respect to input leaf ``i`` has shape
``o.shape + i.shape`` and is nested as the output tree of input trees (JAX layout).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from funtorch import complex_grad, ops, tree
from funtorch.core import Array
from funtorch.grad import _argnums_tuple, vjp
from funtorch.transforms.jvp import jvp
from funtorch.transforms.vmap import vmap
from funtorch.typing import P, PyTree

__all__ = ["jacrev", "jacfwd", "hessian"]


def _standard_basis(leaves):
    """One stacked basis per leaf: leaf k gets shape (total,) + leaf.shape."""
    sizes = [math.prod(x.shape) for x in leaves]
    total = sum(sizes)
    dtype = np.result_type(*[x.dtype for x in leaves]) if leaves else np.float32
    eye = ops.eye(total, dtype=dtype, device=leaves[0].device if leaves else None)
    pieces, start = [], 0
    for x, n in zip(leaves, sizes):
        block = eye[:, start:start + n] if n else ops.zeros((total, 0), dtype=dtype)
        pieces.append(ops.reshape(ops.astype(block, x.dtype), (total,) + tuple(x.shape)))
        start += n
    return pieces, sizes


def _split_rows(stacked, sizes, shapes, trailing):
    """Split axis 0 of ``stacked`` into per-leaf blocks reshaped to ``shape + trailing``."""
    out, start = [], 0
    for n, shape in zip(sizes, shapes):
        block = stacked[start:start + n]
        out.append(ops.reshape(block, tuple(shape) + tuple(trailing)))
        start += n
    return out


def _args_parts(fun, args, argnums, name):
    single, nums = _argnums_tuple(argnums, name)
    for num in nums:
        if not -len(args) <= num < len(args):
            raise ValueError(f"{name}: argnums={argnums} but `{getattr(fun, '__name__', 'fun')}`"
                             f" was called with {len(args)} positional arguments")
    diff = tuple(args[n] if isinstance(args[n], Array) else tree.map(ops.asarray, args[n])
                 for n in nums)

    def partial(*diff_args):
        full = list(args)
        for num, value in zip(nums, diff_args):
            full[num] = value
        return fun(*full)
    partial.__name__ = getattr(fun, "__name__", "fun")
    return partial, diff, single


def jacrev(fun: Callable[P, Any], argnums: int | Sequence[int] = 0,
           has_aux: bool = False, holomorphic: bool = False) -> Callable[P, PyTree]:
    """Jacobian by reverse mode: one batched ``vjp`` over the output basis.

    Args:
        fun: a function of arrays (pytrees allowed); ``(out, aux)`` with ``has_aux``.
        argnums: which positional arguments to differentiate (an int or a tuple).
        has_aux: ``fun`` returns ``(out, aux)``; the result is then ``(jacobian, aux)``.
        holomorphic: ``fun`` is complex-differentiable (complex inputs and outputs), as JAX.

    Returns:
        A function of ``fun``'s arguments returning the Jacobian, of shape ``out.shape + x.shape`` for
        each output and differentiated argument (pytrees of them for pytrees).

    Raises:
        TypeError: a bad ``argnums`` (when ``jacrev`` is called); a complex output without
            ``holomorphic=True``, or a real input or output with it.

    Example:
        >>> ft.jacrev(lambda x: x ** 2)(ft.array([1.0, 2.0]))
        array([[2., 0.], [0., 4.]])
    """
    _argnums_tuple(argnums, "jacrev")  # a bad argnums fails here, not at the first call

    @functools.wraps(fun)
    def jac_fun(*args):
        partial, diff, single = _args_parts(fun, args, argnums, "jacrev")
        result = vjp(partial, *diff, has_aux=has_aux)
        out, pullback = result[0], result[1]
        out_leaves, out_tree = tree.flatten(out)
        complex_grad.check_jacobian("jacrev", fun, tree.leaves(diff), out_leaves, holomorphic)
        basis, sizes = _standard_basis(out_leaves)
        cols = vmap(pullback)(tree.unflatten(out_tree, basis))
        in_leaves, in_tree = tree.flatten(diff)
        col_leaves = tree.leaves(cols)
        per_input = [_split_rows(c, sizes, [o.shape for o in out_leaves], x.shape)
                     for c, x in zip(col_leaves, in_leaves)]
        rows = [tree.unflatten(in_tree, [per_input[i][k] for i in range(len(in_leaves))])
                for k in range(len(out_leaves))]
        # per output leaf; a tuple-valued output must not be mistaken for an argnums tuple
        jac = tree.unflatten(out_tree, [row[0] if single else row for row in rows])
        return (jac, result[2]) if has_aux else jac
    return jac_fun


def jacfwd(fun: Callable[P, Any], argnums: int | Sequence[int] = 0,
           has_aux: bool = False, holomorphic: bool = False) -> Callable[P, PyTree]:
    """Jacobian by forward mode: one batched ``jvp`` over the input basis.

    Args:
        fun: a function of arrays (pytrees allowed); ``(out, aux)`` with ``has_aux``.
        argnums: which positional arguments to differentiate (an int or a tuple).
        has_aux: ``fun`` returns ``(out, aux)``; the result is then ``(jacobian, aux)``.
        holomorphic: ``fun`` is complex-differentiable (complex inputs and outputs), as JAX.

    Returns:
        A function of ``fun``'s arguments returning the Jacobian, of shape ``out.shape + x.shape`` (as
        :func:`jacrev`).

    Raises:
        TypeError: a bad ``argnums`` (when ``jacfwd`` is called); a complex input without
            ``holomorphic=True``, or a real input or output with it.

    Example:
        >>> ft.round(ft.jacfwd(ft.sin)(ft.array([0.0, 1.0])), 4).tolist()  # diag(cos x)
        [[1.0, 0.0], [0.0, 0.5403]]
    """
    _argnums_tuple(argnums, "jacfwd")

    @functools.wraps(fun)
    def jac_fun(*args):
        partial, diff, single = _args_parts(fun, args, argnums, "jacfwd")
        in_leaves, in_tree = tree.flatten(diff)
        complex_grad.check_jacobian("jacfwd", fun, in_leaves, [], holomorphic)
        basis, sizes = _standard_basis(in_leaves)

        def pushforward(*tangent_leaves):
            tangents = tuple(tree.unflatten(in_tree, tangent_leaves))
            return jvp(partial, diff, tangents, has_aux=has_aux)
        results = vmap(pushforward, out_axes=-1)(*basis)
        out_tangents = results[1]
        out_leaves, out_tree = tree.flatten(results[0])
        complex_grad.check_jacobian("jacfwd", fun, [], out_leaves, holomorphic)
        rows = []
        for stacked, out in zip(tree.leaves(out_tangents), out_leaves):
            primal_shape = tuple(stacked.shape[:-1])
            blocks, start = [], 0
            for n, x in zip(sizes, in_leaves):
                block = stacked[..., start:start + n]
                blocks.append(ops.reshape(block, primal_shape + tuple(x.shape)))
                start += n
            rows.append(tree.unflatten(in_tree, blocks))
        jac = tree.unflatten(out_tree, [r[0] if single else r for r in rows])
        if has_aux:
            return jac, tree.map(lambda a: a[..., 0] if isinstance(a, Array) else a, results[2])
        return jac
    return jac_fun


def hessian(fun: Callable[P, Any], argnums: int | Sequence[int] = 0,
            has_aux: bool = False, holomorphic: bool = False) -> Callable[P, PyTree]:
    """Hessian of a scalar function: ``jacfwd(jacrev(fun))`` (JAX's composition).

    Args:
        fun: a function of arrays (pytrees allowed); ``(out, aux)`` with ``has_aux``.
        argnums: which positional arguments to differentiate (an int or a tuple).
        has_aux: ``fun`` returns ``(out, aux)``; the result is then ``(jacobian, aux)``.

    Returns:
        A function of ``fun``'s arguments returning the Hessian, of shape ``x.shape + x.shape`` for a
        scalar output.

    Raises:
        TypeError: a bad ``argnums`` (when ``hessian`` is called); complex values without
            ``holomorphic=True`` (as :func:`jacfwd`).

    Example:
        >>> ft.hessian(lambda x: ft.sum(x ** 3))(ft.array([1.0, 2.0]))
        array([[ 6.,  0.], [ 0., 12.]])
    """
    _argnums_tuple(argnums, "hessian")
    return jacfwd(jacrev(fun, argnums, has_aux, holomorphic), argnums, has_aux, holomorphic)
