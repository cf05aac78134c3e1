"""A ported PyTorch call keeps its meaning positionally: funtorch's parameter at each of
torch's positions is torch's parameter (under NumPy's name where the two agree), or the
function dispatches on what it is given (``*args``: the dual spellings of
``ops/torch_functions.py``), or the difference is reviewed below.

The class of bug this catches: a name both libraries have whose positional orders differ,
so a torch call silently binds a value to a NumPy parameter. ``x.nan_to_num(5.0)`` put 5.0
in NumPy's ``copy`` and replaced NaN by 0; ``x.transpose(0, 1)`` of a matrix was NumPy's
identity permutation; ``ft.logspace(0, 2, 3, 2.0)`` took the base for ``endpoint``. torch's
signatures come from tests/fixtures/torch_signatures.json (torch 2.13, regenerate with
tests/fixtures/make_torch_signatures.py).
"""

import inspect
import json
import pathlib

import pytest

import funtorch as ft

_FIXTURE = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "torch_signatures.json"
TORCH = json.loads(_FIXTURE.read_text())

# torch parameter -> the NumPy names that mean the same thing at the same position
SAME = {"dim": {"axis", "axes"}, "keepdim": {"keepdims"},
        "end": {"stop"}, "steps": {"num"}, "offset": {"k"}, "diagonal": {"k"},
        "other": {"x2", "y", "b", "x1"}, "exponent": {"y", "x2"}, "value": {"other", "y"},
        "divisor": {"y", "x2"}, "vec2": {"b"}, "tensor": {"b", "other", "source"},
        "values": {"x2"}, "n": {"N"}, "m": {"M"}, "axis0": {"axis1"}, "axis1": {"axis2"},
        "index": {"indices"}, "batch2": {"mat2"}, "input2": {"L", "tau"},
        "input3": {"other"}, "tensor2": {"source"}, "dimension": {"dim"}, "dims": {"axis", "axes", "shift", "reps"},
        "split_size_or_sections": {"indices_or_sections"}, "input": {"x", "a", "v", "A"},
        "f": {"path"}, "mat2": {"batch2"}}

# differences read one by one: why each keeps a ported call's meaning (or where it does not)
REVIEWED = {
    "functions": {
        "nan_to_num": "a number second is torch's nan (math_real.nan_to_num dispatches on it)",
        "full_like": "torch's other parameters are keyword-only in practice (dtype, device)",
        "kaiser_window": "beta is keyword-only here; a positional beta raises a TypeError",
        "randint": "torch's generator/out/layout are keyword-only; low, high, size agree",
        "randint_like": "low/high as torch; the rest keyword-only",
        "load": "a path and torch's pickle arguments do not apply (safe format, no pickle)",
        "save": "a path; torch's pickle arguments do not apply",
        "tril_indices": "DIVERGES: NumPy's (n, k, m) is kept (jax.numpy's contract); torch's "
                        "(row, col, offset) returns one (2, N) tensor - ported calls differ",
        "triu_indices": "DIVERGES: as tril_indices",
    },
    "methods": {
        "nan_to_num": "a number first is torch's nan (as the function)",
        "put": "torch's docstring line lists input; index, source, accumulate agree",
        "cuda": "device first as torch; non_blocking/memory_format do not apply",
        **{name: "memory_format does not apply (one layout); no positional use"
           for name in ("bool", "byte", "cdouble", "cfloat", "char", "cpu", "double",
                        "float", "half", "int", "long", "short")},
    },
}


def _funtorch_positional(fn, method):
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None
    params = params[1:] if method else params
    if params and params[0].kind is params[0].VAR_POSITIONAL:
        return None  # dispatches on its arguments
    if not method and len(params) > 1 and params[1].kind is params[1].VAR_POSITIONAL:
        return None
    return [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def _mismatches(kind):
    owner, method = (ft, False) if kind == "functions" else (ft.Array, True)
    found = {}
    for name, torch_params in TORCH[kind].items():
        fn = getattr(owner, name, None)
        ours = None if fn is None or not callable(fn) else _funtorch_positional(fn, method)
        if ours is None:
            continue
        start = 0 if method else 1  # a function's first parameter is the array itself
        for position, param in enumerate(torch_params[start:], start=start):
            theirs = ours[position] if position < len(ours) else None
            if theirs != param and theirs not in SAME.get(param, ()):
                found[name] = (torch_params, ours)
                break
    return found


@pytest.mark.parametrize("kind", ["functions", "methods"])
def test_torch_positions_keep_their_meaning(kind):
    unreviewed = {n: v for n, v in _mismatches(kind).items() if n not in REVIEWED[kind]}
    assert not unreviewed, (
        f"torch {kind} whose positional order differs here (torch's, funtorch's): "
        f"{unreviewed}. Make the name dispatch (ops/torch_functions.py duals), or read the "
        "difference and record why a ported call keeps its meaning in REVIEWED")


@pytest.mark.parametrize("kind", ["functions", "methods"])
def test_reviewed_differences_still_exist(kind):
    # a fixed or dispatching name leaves the list (it only shrinks)
    stale = set(REVIEWED[kind]) - set(_mismatches(kind))
    assert not stale, f"no longer differ, delete from REVIEWED: {sorted(stale)}"


def test_the_fixed_cases_dispatch():
    x = ft.array([[float("nan"), 2.0, 3.0]])
    assert x.nan_to_num(5.0).tolist() == [[5.0, 2.0, 3.0]]
    assert ft.select(x, 1, -1).tolist() == [3.0]
    assert ft.logspace(0.0, 2.0, 3, 2.0).tolist() == [1.0, 2.0, 4.0]
    assert ft.logspace(0.0, 2.0, 3, False).tolist()[-1] < 100.0  # NumPy's endpoint=False
