"""Shared checks of the ONNX export tests: model validity, shape inference against
funtorch's shapes, and both runtimes against funtorch's outputs."""

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the onnx package is not installed (extra [onnx])")
ort = pytest.importorskip("onnxruntime", reason="onnxruntime is not installed (extra [onnx])")

import funtorch as ft  # noqa: E402
from funtorch.onnx.verify import run_model  # noqa: E402

RTOL = {np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-10}


def inferred_outputs(model):
    """ONNX shape inference's types of the graph outputs, from a copy whose declared
    output types are erased (so nothing is taken from the exporter's own claims)."""
    bare = onnx.ModelProto()
    bare.CopyFrom(model)
    for out in bare.graph.output:
        out.type.tensor_type.ClearField("shape")
    inferred = onnx.shape_inference.infer_shapes(bare, check_type=True, strict_mode=True,
                                                 data_prop=True)
    types = {}
    for out in inferred.graph.output:
        tensor = out.type.tensor_type
        dims = tuple(d.dim_value if d.HasField("dim_value") else d.dim_param
                     for d in tensor.shape.dim) if tensor.HasField("shape") else None
        types[out.name] = (onnx.helper.tensor_dtype_to_np_dtype(tensor.elem_type), dims)
    return types


def check_model_against(model, expected):
    """The checker passes and inference agrees with funtorch's outputs ``expected``."""
    onnx.checker.check_model(model, full_check=True)
    types = inferred_outputs(model)
    for out, want in zip(model.graph.output, expected):
        dtype, dims = types[out.name]
        want = np.asarray(want)
        assert dtype == want.dtype, f"{out.name}: ONNX infers {dtype}, funtorch gives {want.dtype}"
        if dims is not None:
            static = [d for d in dims if isinstance(d, int)]
            assert len(dims) == want.ndim, f"{out.name}: rank {len(dims)} vs {want.ndim}"
            assert all(d == s for d, s in zip(dims, want.shape) if isinstance(d, int)) or (
                not static), f"{out.name}: ONNX infers {dims}, funtorch gives {want.shape}"


def assert_close(got, want, rtol, what):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"{what}: shape {got.shape} vs funtorch {want.shape}"
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype} vs funtorch {want.dtype}"
    if want.dtype.kind in "biu":
        np.testing.assert_array_equal(got, want, err_msg=what)
    else:
        scale = float(np.max(np.abs(want), initial=0.0, where=np.isfinite(want)))
        np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * max(scale, 1e-3),
                                   err_msg=what, equal_nan=True)


def check_runtimes(model, flat_inputs, expected, rtol, runtimes=("onnxruntime", "reference")):
    """Both runtimes reproduce funtorch's outputs ``expected`` on ``flat_inputs``."""
    for runtime in runtimes:
        outs = run_model(model, [np.asarray(x) for x in flat_inputs], runtime)
        assert len(outs) == len(expected)
        for index, (got, want) in enumerate(zip(outs, expected)):
            assert_close(got, want, rtol, f"{runtime}, output {index}")


def numpy_outputs(fun, *args):
    with ft.no_grad():
        flat, _ = ft.tree.flatten(fun(*args))
    return [np.asarray(x) for x in flat]
