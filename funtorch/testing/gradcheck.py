"""``check_grads``: compare forward- and reverse-mode derivatives with central
finite differences, to any order (the approach of JAX's ``check_grads``).

Reverse mode is checked through the identity ``<ct, J v> == <J^T ct, v>`` with
random ``v`` and ``ct``; forward mode compares ``J v`` itself. Order ``k`` checks
the derivative functions themselves at order ``k - 1``. Complex inputs are perturbed in
random complex directions (real and imaginary parts), and the pairing is JAX's
``<a, b> = Re(sum(a * b))``, under which a VJP is the transpose of the JVP.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from funtorch import ops, tree
from funtorch.core import Array
from funtorch.dtypes import is_inexact, real_of

_DEFAULT_EPS = {np.dtype("float64"): 1e-5, np.dtype("float32"): 3e-3, np.dtype("float16"): 3e-2}
_DEFAULT_TOL = {np.dtype("float64"): 1e-5, np.dtype("float32"): 2e-2, np.dtype("float16"): 1e-1}


def _float_leaves(args):
    flat, treedef = tree.flatten(args)
    return [ops.asarray(x) if not isinstance(x, Array) else x for x in flat], treedef


def _random_like(x, rng):
    if not is_inexact(x.dtype):
        return None
    values = rng.standard_normal(x.shape)
    if x.dtype.kind == "c":
        values = values + 1j * rng.standard_normal(x.shape)
    return ops.array(values.astype(x.dtype), device=x.device)


def _host(x):
    """float64 (complex128) values of an output (which may require grad: a closed-over
    Parameter)."""
    value = np.asarray(x.detach() if isinstance(x, Array) else x)
    return value.astype(np.complex128 if value.dtype.kind == "c" else np.float64)


def _vdot(xs, ys):
    """``Re(sum(x * y))`` summed over pairs: no conjugation (JAX's pairing)."""
    total = 0.0
    for x, y in zip(xs, ys):
        if x is None or y is None:
            continue
        total += float(np.real(np.sum(_host(x) * _host(y))))
    return total


def _perturbed(flat, direction, scale):
    return [x if d is None else x + d * scale for x, d in zip(flat, direction)]


def _numeric_jvp(fun, flat, treedef, direction, eps):
    plus = tree.leaves(fun(*tree.unflatten(treedef, _perturbed(flat, direction, eps))))
    minus = tree.leaves(fun(*tree.unflatten(treedef, _perturbed(flat, direction, -eps))))
    return [(_host(p) - _host(m)) / (2 * eps)
            for p, m in zip(plus, minus)]


def _close(name, order, analytic, numeric, atol, rtol, fun):
    if not np.allclose(analytic, numeric, atol=atol, rtol=rtol):
        raise AssertionError(
            f"check_grads: {name} derivative of order {order} of `{getattr(fun, '__name__', fun)}`"
            f" disagrees with finite differences: analytic {analytic!r} vs numeric {numeric!r} "
            f"(atol={atol}, rtol={rtol})")


def check_grads(f: Any, args: Any, order: int = 1, modes: Sequence[str] = ("fwd", "rev"),
                atol: float | None = None, rtol: float | None = None, eps: float | None = None,
                seed: int | None = 0) -> None:
    """Check ``f``'s derivatives at ``args`` against central finite differences.

    Args:
        f: a function of arrays (pytree inputs and outputs allowed).
        args: a tuple of arguments.
        order: check derivatives up to this order (derivatives of derivatives).
        modes: ``"fwd"`` (``ft.jvp``) and/or ``"rev"`` (``ft.vjp``).
        atol, rtol, eps: tolerances and step; defaults depend on the dtype (use float64).

    Raises:
        AssertionError: naming the mode, the order and both values when they disagree.

    Example:
        >>> ft.testing.check_grads(ft.sin, (ft.array([0.5, 1.0], dtype=ft.float64),), order=2)
    """
    from funtorch.grad import vjp
    from funtorch.transforms.jvp import jvp

    if not isinstance(args, tuple):
        raise TypeError(f"check_grads: args must be a tuple of arguments, got "
                        f"{type(args).__name__}")
    rng = np.random.default_rng(seed)
    flat, treedef = _float_leaves(args)
    dtypes = [real_of(x.dtype) for x in flat if is_inexact(x.dtype)]
    worst = min(dtypes, key=lambda d: d.itemsize) if dtypes else np.dtype("float64")
    eps = _DEFAULT_EPS[worst] if eps is None else eps
    atol = _DEFAULT_TOL[worst] if atol is None else atol
    rtol = _DEFAULT_TOL[worst] if rtol is None else rtol
    direction = [_random_like(x, rng) for x in flat]
    numeric = _numeric_jvp(f, flat, treedef, direction, eps)
    if "fwd" in modes:
        tangents = [d if d is not None else ops.zeros_like(x) for d, x in zip(direction, flat)]
        _, t_out = jvp(f, tuple(tree.unflatten(treedef, flat)),
                       tuple(tree.unflatten(treedef, tangents)))
        for a, n in zip(tree.leaves(t_out), numeric):
            _close("forward-mode", order, _host(a), n, atol, rtol, f)
    if "rev" in modes:
        out, vjp_fn = vjp(f, *tree.unflatten(treedef, flat))
        out_flat, out_tree = tree.flatten(out)
        cts = [_random_like(ops.asarray(o), rng) for o in out_flat]
        cts = [c if c is not None else ops.zeros_like(o) for c, o in zip(cts, out_flat)]
        ct_args = tree.leaves(vjp_fn(tree.unflatten(out_tree, cts)))
        analytic = _vdot([c if is_inexact(c.dtype) else None for c in ct_args], direction)
        _close("reverse-mode", order, analytic, _vdot(cts, numeric), atol, rtol, f)
    if order > 1:
        _check_higher(f, args, order, modes, atol, rtol, eps, seed, rng)


def _check_higher(f, args, order, modes, atol, rtol, eps, seed, rng):
    from funtorch.grad import vjp
    from funtorch.transforms.jvp import jvp

    if "rev" in modes:
        out = f(*args)
        out_flat, out_tree = tree.flatten(out)
        cts = tree.unflatten(out_tree, [_random_like(ops.asarray(o), rng) for o in out_flat])

        def pullback(*primals):
            return vjp(f, *primals)[1](cts)
        pullback.__name__ = f"vjp_of_{getattr(f, '__name__', 'f')}"
        check_grads(pullback, args, order - 1, ("rev",), atol, rtol, eps, seed + 1)
    if "fwd" in modes:
        flat, treedef = _float_leaves(args)
        direction = [_random_like(x, rng) for x in flat]
        tangents = tuple(tree.unflatten(treedef, [d if d is not None else ops.zeros_like(x)
                                                   for d, x in zip(direction, flat)]))

        def pushforward(*primals):
            return jvp(f, primals, tangents)[1]
        pushforward.__name__ = f"jvp_of_{getattr(f, '__name__', 'f')}"
        check_grads(pushforward, args, order - 1, ("fwd",), atol, rtol, eps, seed + 1)
