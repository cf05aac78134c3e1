"""Every public function of ft, ft.linalg, ft.special and ft.stats either refuses a traced
float64 argument, declares its output non-differentiable (integer/bool), or has a forward-
and reverse-mode derivative that matches central finite differences.

The walk is generic: whatever those namespaces hold when the test runs is called with
``x`` of shape (3,) and then (3, 3); a call that raises for that signature is a skip
(recorded), a random output is a skip, and a float output whose tangent disagrees with
the finite difference (a silent detach gives a zero tangent) is a failure.
"""

import types

import numpy as np
import pytest

import funtorch as ft

NAMESPACES = {"ft": ft, "ft.linalg": ft.linalg, "ft.special": ft.special, "ft.stats": ft.stats}
# State-changing or host-side helpers a walk must not call with an array.
DENY = {"set_default_dtype", "set_printoptions", "manual_seed", "seed", "save", "load",
        "use_deterministic_algorithms", "set_grad_enabled"}
# a zero derivative is what these are for; bernoulli's 0/1 draws are piecewise constant in
# the probability (torch's derivative is zero too) and can repeat by chance between two calls,
# so the random-output check below does not always see that they are random
DECLARED_CONSTANT = {"stop_gradient", "detach", "bernoulli"}
RTOL, EPS = 1e-5, 1e-6
POINTS = {  # away from integers and half-integers (step functions), inside (0, 1)
    (): np.array(0.41),
    (3,): np.array([0.23, 0.37, 0.61]),
    (3, 3): np.array([[0.71, 0.13, 0.22], [0.18, 0.64, 0.09], [0.27, 0.16, 0.83]]),
}
DIRECTION = {shape: np.cos(np.arange(1, np.prod(shape) + 1)).reshape(shape) for shape in POINTS}
# Found by this walk in functions owned elsewhere (reported, to be fixed there):
# "namespace.name shape" -> what was seen.
KNOWN = {}


def _functions(namespace, prefix):
    """(qualified name, callable) for the public functions of a namespace, and one level
    into the namespace objects it holds (``ft.stats.norm.pdf``)."""
    found = []
    for name in sorted(dir(namespace)):
        value = getattr(namespace, name, None)
        if name.startswith("_") or name in DENY | DECLARED_CONSTANT or isinstance(
                value, (type, types.ModuleType)):
            continue
        if callable(value):
            found.append((f"{prefix}.{name}", value))
        elif type(value).__module__.startswith("funtorch") and prefix != "ft":
            found += [(f"{prefix}.{name}.{attr}", getattr(value, attr))
                      for attr in sorted(dir(value)) if not attr.startswith("_")
                      and callable(getattr(value, attr, None))]
    return found


def _float_leaves(out):
    """Floating outputs: Arrays, and host values (NumPy, Python floats), which carry no
    derivative at all."""
    return [leaf for leaf in ft.tree.leaves(out) if type(leaf) is float or (
        isinstance(leaf, (ft.Array, np.ndarray, np.generic)) and leaf.dtype.kind == "f")]


def _host(leaves):
    return [np.asarray(leaf, dtype=np.float64) for leaf in leaves]


def _calls(fn, shape):
    """``fn(x)``, or ``fn(x, c)`` with a constant second operand when one argument is not
    enough (binary functions are differentiated in their first argument)."""
    other = ft.array(np.flip(POINTS[shape]) * 0.5 + 0.3)
    return [lambda x: fn(x), lambda x: fn(x, other)]


def _check_one(fn, shape):
    """None when ``fn`` passes at this shape, ("skip", why) or ("fail", why)."""
    x0, direction = POINTS[shape], DIRECTION[shape]
    for call in _calls(fn, shape):
        try:
            with np.errstate(all="ignore"):
                first = call(ft.array(x0))
                again = call(ft.array(x0))
            break
        except Exception as exc:  # noqa: BLE001 - any refusal is an acceptable answer
            refusal = f"raises {type(exc).__name__}"
    else:
        return "skip", refusal
    fn = call
    leaves = _float_leaves(first)
    if not leaves:
        return None  # integer/bool outputs: non-differentiable by declaration
    values = _host(leaves)
    if any(not np.all(np.isfinite(v)) for v in values):
        return "skip", "non-finite value"
    if any(not np.array_equal(v, w) for v, w in zip(values, _host(_float_leaves(again)))):
        return "skip", "random output"
    return _compare_with_differences(fn, x0, direction, values)


def _compare_with_differences(fn, x0, direction, values):
    def float_outputs(x):
        return _float_leaves(fn(x))

    with np.errstate(all="ignore"):
        up = _host(float_outputs(ft.array(x0 + EPS * direction)))
        down = _host(float_outputs(ft.array(x0 - EPS * direction)))
        try:
            _, tangents = ft.jvp(float_outputs, (ft.array(x0),), (ft.array(direction),))
            outs, pullback = ft.vjp(float_outputs, ft.array(x0))
            cotangents = [ft.array(np.sin(np.arange(v.size)).reshape(v.shape) + 0.5)
                          for v in values]
            (pulled,) = pullback(cotangents)
        except Exception as exc:  # noqa: BLE001 - refusing a derivative is not silent
            return "skip", f"derivative raises {type(exc).__name__}"
    numeric = [(u - d) / (2 * EPS) for u, d in zip(up, down)]
    tangents = _host(tangents)
    if any(not np.all(np.isfinite(t)) for t in tangents):
        return "skip", "non-finite derivative (a singular point: loud, not silent)"
    for index, (tangent, fd) in enumerate(zip(tangents, numeric)):
        scale = max(1.0, float(np.max(np.abs(fd), initial=0.0)))
        if not np.allclose(tangent, fd, rtol=RTOL, atol=RTOL * scale):
            what = "zero tangent (silent detach)" if not np.any(tangent) else "wrong tangent"
            return "fail", f"output {index}: {what}: jvp {tangent.ravel()[:3]} vs finite " \
                           f"difference {fd.ravel()[:3]}"
    reverse = float(np.sum(np.asarray(pulled, dtype=np.float64) * direction))
    forward = sum(float(np.sum(np.asarray(c, dtype=np.float64) * fd))
                  for c, fd in zip(cotangents, numeric))
    if not np.isclose(reverse, forward, rtol=RTOL, atol=RTOL * max(1.0, abs(forward))):
        return "fail", f"vjp disagrees with finite differences: {reverse} vs {forward}"
    return None


def walk(namespace, prefix):
    """Check every function of ``namespace``; return ``(failures, skips)`` dicts keyed
    ``"name shape"``."""
    failures, skips = {}, {}
    for name, fn in _functions(namespace, prefix):
        for shape in POINTS:
            result = _check_one(fn, shape)
            if result is not None:
                (failures if result[0] == "fail" else skips)[f"{name} {shape}"] = result[1]
    return failures, skips


@pytest.mark.parametrize("prefix", sorted(NAMESPACES))
def test_no_public_function_silently_drops_a_derivative(prefix):
    failures, skips = walk(NAMESPACES[prefix], prefix)
    new = {k: v for k, v in failures.items() if k not in KNOWN}
    print(f"{prefix}: {len(failures)} failures, {len(skips)} skips")
    for key, why in sorted(skips.items()):
        print(f"  skip {key}: {why}")
    assert not new, "\n".join(f"{k}: {v}" for k, v in sorted(new.items()))


def test_the_walk_catches_a_silent_detach():
    fake = types.SimpleNamespace(
        detached=lambda x: ft.stop_gradient(x) * 2.0,  # a float output with no derivative
        wrong=lambda x: ft.stop_gradient(x) * x,
        smooth=ft.sin, integer=ft.argmax, refuses=lambda x: x.numpy().sum())
    failures, skips = walk(fake, "fake")
    flagged = {k.split()[0] for k in failures}
    assert {"fake.detached", "fake.wrong"} <= flagged
    assert not flagged & {"fake.smooth", "fake.integer"}
    assert "zero tangent" in failures["fake.detached (3,)"]
    assert "fake.refuses (3,)" in {**skips, **failures}  # raises, or caught as a detach
