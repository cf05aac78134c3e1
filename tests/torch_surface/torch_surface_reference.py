"""Run one case of torch_surface_cases with funtorch and compare it with torch 2.13's
answer in tests/fixtures/torch_surface.npz (values, dtypes, named-tuple fields, input
gradients, refusals)."""

import json
import os

import numpy as np
import pytest

import funtorch as ft
import torch_surface_cases as cases

PATH = os.path.join(os.path.dirname(__file__), "..", "fixtures", "torch_surface.npz")
STORE = np.load(PATH)
META = json.loads(str(STORE["meta"]))
INPUTS = cases.make_inputs()
# inputs the fixture recorded must be the ones the table makes here
assert all(np.array_equal(STORE[f"input/{k}"], v, equal_nan=True) for k, v in INPUTS.items())


def leaves(out):
    if isinstance(out, (tuple, list)):
        return [leaf for item in out for leaf in leaves(item)]
    return [out if isinstance(out, ft.Array) else ft.asarray(np.asarray(out))]


def _evaluate(expression, values):
    return eval(expression, {"T": ft, **values})  # noqa: S307 - our own table


def _tolerance(dtype):
    return (2e-5, 2e-6) if dtype in ("float32", "float16") else (1e-9, 1e-10)


def check(group, index):
    """Compare case ``group/index`` with the fixture."""
    key = f"{group}/{index}"
    record = META[key]
    expression = record["expression"]
    names = cases.names_in(expression)
    values = {name: ft.array(INPUTS[name]) for name in names}
    if "error" in record:
        with pytest.raises(Exception) as info:
            _evaluate(expression, values)
        wording = record["error"].split(": ", 1)[1].split(".")[0][:40]
        assert wording in str(info.value), (str(info.value), record["error"])
        return
    out = _evaluate(expression, values)
    assert list(getattr(out, "_fields", ())) == record["fields"], expression
    flat = leaves(out)
    assert [str(leaf.dtype) for leaf in flat] == record["dtypes"], expression
    for position, leaf in enumerate(flat):
        expected = STORE[f"{key}/{position}"]
        rtol, atol = _tolerance(record["dtypes"][position])
        np.testing.assert_allclose(np.asarray(leaf.detach()), expected, rtol=rtol, atol=atol,
                                   err_msg=expression)
    if "grad_names" in record:
        _check_gradients(key, record, values, len(flat))


def _check_gradients(key, record, values, count):
    wrt = record["grad_names"]

    def scalar(*arrays):
        env = dict(values, **dict(zip(wrt, arrays)))
        total = 0.0
        for leaf in leaves(_evaluate(record["expression"], env)):
            if leaf.dtype == np.float64:
                total = total + ft.sum(leaf * ft.array(cases.cotangent(leaf.shape)))
        return total

    grads = ft.grad(scalar, argnums=tuple(range(len(wrt))))(*[values[n] for n in wrt])
    for position, (name, grad) in enumerate(zip(wrt, grads)):
        np.testing.assert_allclose(np.asarray(grad), STORE[f"{key}/{count + position}"],
                                   rtol=1e-7, atol=1e-9,
                                   err_msg=f"{record['expression']}: gradient in {name}")
