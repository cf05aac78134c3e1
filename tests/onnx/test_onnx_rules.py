"""One generated test per ONNX lowering rule: every primitive in the lowering table that
declares ``samples`` is exported on drawn arguments (float32 and float64), checked by
``onnx.checker`` and shape inference, and run in onnxruntime and onnx.reference."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _onnx_checks import RTOL, check_model_against, check_runtimes

import funtorch as ft
from funtorch.core import bind
from funtorch.testing.strategies import Sampler

TABLE = ft.onnx.lowering_table()
SAMPLED = sorted(p.name for p in TABLE if p.samples is not None and p.name in
                 ft.core.Primitive.registry)
# primitives whose ONNX operator onnxruntime implements for float32 only: in float64 the
# model is checked with onnx.reference alone (the README's table says so too)
ORT_FLOAT32_ONLY = ft.onnx.ORT_FLOAT32_ONLY
# onnx.reference computes Erf in float32 (np.vectorize(math.erf, otypes="f")), so in
# float64 these are checked to float32 accuracy: no installed runtime does better
REFERENCE_ERF = {"erf", "erfc", "ndtr"}
SETTINGS = settings(max_examples=2, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _as_function(prim, args, params):
    """The primitive as a function of its array arguments (the others stay fixed)."""
    is_array = [isinstance(a, ft.Array) for a in args]

    def fun(*arrays):
        given = iter(arrays)
        return bind(prim, *[next(given) if flag else a for a, flag in zip(args, is_array)],
                    **params)
    fun.__name__ = prim.name
    return fun, [a for a, flag in zip(args, is_array) if flag]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("name", SAMPLED)
@SETTINGS
@given(data=st.data())
def test_lowering_rule_matches_funtorch(name, dtype, data):
    prim = ft.core.Primitive.registry[name]
    args, params = prim.samples(Sampler(data.draw, np.float64))  # float32 domains: cast
    args = [a.astype(dtype) if isinstance(a, ft.Array) and a.dtype.kind == "f" else a
            for a in args]
    fun, arrays = _as_function(prim, args, params)
    with ft.no_grad():
        out = bind(prim, *args, **params)
    expected = [np.asarray(o) for o in (out if prim.multiple_results else (out,))]
    model = ft.onnx.export(fun, *arrays)
    check_model_against(model, expected)
    runtimes = ("reference",) if dtype == np.float64 and name in ORT_FLOAT32_ONLY else (
        "onnxruntime", "reference")
    rtol = 1e-6 if dtype == np.float64 and name in REFERENCE_ERF else RTOL[np.dtype(dtype)]
    check_runtimes(model, arrays, expected, rtol, runtimes)


def test_every_rule_is_tested():
    """Rules of registered primitives are covered by the generated test above (call
    primitives, which have no samples, are covered in test_onnx_export.py)."""
    untested = [p.name for p in TABLE if p.name in ft.core.Primitive.registry
                and p.samples is None]
    assert not untested, f"lowering rules without samples to test them: {untested}"
