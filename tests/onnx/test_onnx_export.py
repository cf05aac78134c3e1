"""ft.onnx.export end to end: the MLP and transformer encoder of ft.nn at three batch
sizes with a dynamic batch axis, opsets 17, 18 and the newest onnxruntime runs, dynamic
reshapes/slices/means, inlined call primitives, errors, files and the generated table."""

import importlib
import os
import subprocess
import sys

import numpy as np
import pytest

from _onnx_checks import check_model_against, check_runtimes, numpy_outputs, onnx, ort

import funtorch as ft
from funtorch.core import Primitive, bind


def _newest_opset():
    """The newest default-domain opset the installed onnxruntime loads."""
    for opset in range(onnx.defs.onnx_opset_version(), 17, -1):
        node = onnx.helper.make_node("Relu", ["x"], ["y"])
        info = onnx.helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1])
        out = onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1])
        opsets = [onnx.helper.make_opsetid("", opset)]
        model = onnx.helper.make_model(onnx.helper.make_graph([node], "g", [info], [out]),
                                       opset_imports=opsets,
                                       ir_version=onnx.helper.find_min_ir_version_for(opsets))
        try:
            ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
            return opset
        except Exception:  # noqa: BLE001 - too new for this onnxruntime
            continue
    return 18


OPSETS = sorted({17, 18, _newest_opset()})
TRACED = 4
BATCHES = (1, TRACED, TRACED + 3)


def _rand(shape, dtype=np.float32, seed=0):
    return ft.array(np.random.default_rng(seed).standard_normal(shape).astype(dtype))


def _check_batches(model, fun, make_input, rtol, runtimes=("onnxruntime", "reference")):
    for batch in BATCHES:
        x = make_input(batch)
        expected = numpy_outputs(fun, x)
        check_model_against(model, expected)
        check_runtimes(model, [x], expected, rtol, runtimes)


def _mlp(dtype=np.float32):
    ft.manual_seed(0)
    model = ft.nn.Sequential(ft.nn.Linear(6, 16), ft.nn.ReLU(), ft.nn.Dropout(0.5),
                             ft.nn.Linear(16, 3))
    return model.to(dtype) if dtype != np.float32 else model


@pytest.mark.parametrize("opset", OPSETS)
def test_mlp_exports_with_dynamic_batch(opset):
    model = _mlp()
    model.train()
    proto = ft.onnx.export(model, _rand((TRACED, 6)), input_names=["x"],
                           dynamic_axes={"x": {0: "batch"}}, opset=opset)
    assert model.training and all(m.training for m in model.modules())  # flags restored
    ops = [node.op_type for node in proto.graph.node]
    assert ops.count("Gemm") == 2 and "Dropout" not in ops, ops
    assert {"0.weight", "0.bias", "3.weight", "3.bias"} <= {t.name for t in proto.graph.initializer}
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    assert proto.graph.output[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    model.eval()
    _check_batches(proto, model, lambda b: _rand((b, 6), seed=b), 1e-5)


def test_mlp_float64():
    model = _mlp(np.float64)
    proto = ft.onnx.export(model, _rand((TRACED, 6), np.float64), input_names=["x"],
                           dynamic_axes={"x": {0: "batch"}})
    _check_batches(proto, model.eval(), lambda b: _rand((b, 6), np.float64, b), 1e-10)


@pytest.mark.parametrize("opset", OPSETS)
def test_transformer_encoder_exports_with_dynamic_batch(opset):
    ft.manual_seed(1)
    layer = ft.nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32,
                                          dropout=0.1, batch_first=True, activation="gelu")
    encoder = ft.nn.TransformerEncoder(layer, num_layers=2)
    proto = ft.onnx.export(encoder, _rand((TRACED, 5, 16)), input_names=["src"],
                           dynamic_axes={"src": {0: "batch"}}, opset=opset)
    ops = {node.op_type for node in proto.graph.node}
    assert {"MatMul", "Erf"} <= ops and ops & {"Softmax", "Exp"}, ops
    runtimes = ("onnxruntime", "reference") if opset == 18 else ("onnxruntime",)
    _check_batches(proto, encoder.eval(), lambda b: _rand((b, 5, 16), seed=b), 1e-4, runtimes)


def _dynamic_shapes(x):
    """A flattened batch (reshape -1), a slice from the end, an int index from the end and
    a mean over the batch (a Python scalar from its size)."""
    flat = ft.reshape(x, (-1, x.shape[-1]))
    head = ft.reshape(flat, (x.shape[0], -1))[:, :3]
    return ft.mean(x, axis=0), head[:-1] * 2.0, x[-1], ft.broadcast_to(x[:, :1], x.shape)


def test_dynamic_axes_bake_in_no_batch_size():
    proto = ft.onnx.export(_dynamic_shapes, _rand((TRACED, 2, 3)), input_names=["x"],
                           dynamic_axes={"x": [0]})
    for batch in (2, TRACED, TRACED + 3):
        x = _rand((batch, 2, 3), seed=batch)
        expected = numpy_outputs(_dynamic_shapes, x)
        check_model_against(proto, expected)
        check_runtimes(proto, [x], expected, 1e-5)


def test_two_dynamic_axes_share_symbols():
    fun = lambda x: ft.reshape(ft.transpose(x, (1, 0, 2)), (x.shape[1], -1)) + 1.0  # noqa: E731
    proto = ft.onnx.export(fun, _rand((3, 5, 2)), input_names=["x"],
                           dynamic_axes={"x": {0: "batch", 1: "seq"}})
    dims = proto.graph.output[0].type.tensor_type.shape.dim
    assert dims[0].dim_param == "seq" and dims[1].dim_param == "output_0_dim_1"
    named = ft.onnx.export(fun, _rand((3, 5, 2)), input_names=["x"], output_names=["y"],
                           dynamic_axes={"x": {0: "batch", 1: "seq"}, "y": {1: "batch_x2"}})
    assert named.graph.output[0].type.tensor_type.shape.dim[1].dim_param == "batch_x2"
    for shape in ((1, 2, 2), (6, 7, 2)):
        x = _rand(shape)
        check_runtimes(proto, [x], numpy_outputs(fun, x), 1e-5)


def test_constants_of_a_dynamic_shape():
    """A constant filled with one value (an RNN's zero state) or a range along one axis
    (``arange(n)``) is built at run time; any other constant built from a dynamic size is
    refused."""
    fill = lambda x: x * 2.0 + ft.ones((x.shape[0], 3))  # noqa: E731
    ramp = lambda x: x + ft.arange(x.shape[0], dtype=x.dtype)[:, None]  # noqa: E731
    for fun in (fill, ramp):
        proto = ft.onnx.export(fun, _rand((2, 3)), input_names=["x"],
                               dynamic_axes={"x": {0: "b"}})
        for batch in (1, 5):
            x = _rand((batch, 3), seed=batch)
            check_runtimes(proto, [x], numpy_outputs(fun, x), 1e-5)
    squares = lambda x: x + (ft.arange(x.shape[0], dtype=x.dtype) ** 2)[:, None]  # noqa: E731
    with pytest.raises(ValueError, match="constant of shape"):
        ft.onnx.export(squares, _rand((2, 3)), input_names=["x"], dynamic_axes={"x": {0: "b"}})


def test_call_primitives_are_inlined():
    inner = ft.jit(lambda x, y: ft.tanh(x) @ y)

    @ft.custom_vjp
    def scaled(x):
        return x * 3.0

    scaled.defvjp(lambda x: (scaled(x), None), lambda res, g: (g * 3.0,))
    fun = lambda x, y: scaled(inner(x, y)) + ft.checkpoint(ft.sin)(x[:, :1])  # noqa: E731
    x, y = _rand((4, 3)), _rand((3, 3), seed=1)
    proto = ft.onnx.export(fun, x, y, input_names=["x", "y"], dynamic_axes={"x": {0: "n"}})
    for batch in (1, 6):
        xb = _rand((batch, 3), seed=batch)
        check_runtimes(proto, [xb, y], numpy_outputs(fun, xb, y), 1e-5)


def test_unsupported_primitive_names_it_and_the_source_line():
    prim = Primitive("my_unlowered_op", lambda xp, x: x * 2, shape=lambda x: (x.shape, x.dtype),
                     register=False)
    fun = lambda x: bind(prim, ft.exp(x))  # noqa: E731
    with pytest.raises(ft.onnx.UnsupportedPrimitiveError) as info:
        ft.onnx.export(fun, _rand((2,)))
    message = str(info.value)
    assert "'my_unlowered_op'" in message and "equation 1" in message
    assert f"{os.path.basename(__file__)}:" in message, message


def test_writes_a_file_and_verifies(tmp_path):
    model = _mlp().eval()
    path = tmp_path / "mlp.onnx"
    proto = ft.onnx.export(model, _rand((2, 6)), f=str(path))
    assert onnx.load(str(path)) == proto
    diffs = ft.onnx.verify(proto, model, _rand((2, 6)))
    assert len(diffs) == 1 and diffs[0].max_rel < 1e-5
    ref = ft.onnx.verify(proto, model, _rand((2, 6)), runtime="reference")
    assert ref[0].max_abs < 1e-5


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="input names"):
        ft.onnx.export(ft.sin, _rand((2,)), input_names=["a", "b"])
    with pytest.raises(ValueError, match="dynamic axis 3"):
        ft.onnx.export(ft.sin, _rand((2,)), input_names=["x"], dynamic_axes={"x": [3]})
    with pytest.raises(ValueError, match="opset 16"):
        ft.onnx.export(ft.sin, _rand((2,)), opset=16)


def test_primitive_table_is_current():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = subprocess.run([sys.executable, "-m", "funtorch.onnx._table", "--check"], cwd=root,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("fun, op_type", [
    (lambda x: ft.nn.functional.softmax(x, -1), "Softmax"),
    (lambda x: ft.nn.functional.log_softmax(x, 0), "LogSoftmax"),
    (lambda x: ft.special.softmax(x, axis=(0, 1)), "ReduceMax"),  # two axes: decomposed
    (lambda x: ft.logsumexp(x, -1), "ReduceLogSumExp" if "logsumexp" in Primitive.registry
     else "ReduceSum"),
    (lambda x: ft.nn.functional.softmax(x, 1) + ft.exp(x - ft.max(x, 1, keepdims=True)),
     "Softmax"),
], ids=["softmax", "log_softmax", "softmax_two_axes", "logsumexp", "softmax_shared"])
@pytest.mark.parametrize("dtype, opset", [(np.float32, 17), (np.float64, 18)],
                         ids=["f32-opset17", "f64-opset18"])
def test_softmax_family_uses_onnx_operators(fun, op_type, dtype, opset):
    """Reductions take their axes as an attribute at opset 17 and an input from 18."""
    x = _rand((3, 5), dtype) * 4.0
    proto = ft.onnx.export(fun, x, input_names=["x"], dynamic_axes={"x": {0: "n"}},
                           opset=opset)
    assert op_type in {node.op_type for node in proto.graph.node}
    for batch in (1, 3, 6):
        xb = _rand((batch, 5), dtype, batch) * 4.0
        expected = numpy_outputs(fun, xb)
        check_model_against(proto, expected)
        check_runtimes(proto, [xb], expected, 1e-5 if dtype == np.float32 else 1e-10)


@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "reverse"])
def test_scan_becomes_onnx_scan(reverse):
    w = _rand((3, 3), seed=2)

    def fun(x):
        def step(carry, x_t):
            carry = ft.tanh(carry @ w + x_t)
            return carry, carry * 2.0
        return ft.scan(step, ft.zeros((x.shape[1], 3)), x, reverse=reverse)

    proto = ft.onnx.export(fun, _rand((5, 2, 3)), input_names=["x"],
                           dynamic_axes={"x": {0: "steps", 1: "batch"}})
    assert "Scan" in {node.op_type for node in proto.graph.node}
    for shape in ((1, 1, 3), (5, 2, 3), (8, 4, 3)):
        x = _rand(shape, seed=shape[0])
        expected = numpy_outputs(fun, x)
        check_model_against(proto, expected)
        check_runtimes(proto, [x], expected, 1e-5)


def test_bidirectional_lstm_and_gru_export_through_scan():
    ft.manual_seed(3)
    lstm = ft.nn.LSTM(3, 4, num_layers=2, batch_first=True, bidirectional=True)
    gru = ft.nn.GRU(3, 4)
    for model, axes in ((lstm, {0: "batch", 1: "seq"}), (gru, {0: "seq", 1: "batch"})):
        proto = ft.onnx.export(model, _rand((2, 5, 3)), input_names=["x"],
                               dynamic_axes={"x": axes})
        for shape in ((1, 5, 3), (2, 5, 3), (5, 8, 3)):
            x = _rand(shape, seed=shape[0])
            expected = numpy_outputs(model.eval(), x)
            check_model_against(proto, expected)
            check_runtimes(proto, [x], expected, 1e-4, ("onnxruntime",))


def test_large_initializers_go_to_external_data(tmp_path, monkeypatch):
    """Above the protobuf limit (lowered here to 1 KiB) weights go to `<file>.data`."""
    export_module = importlib.import_module("funtorch.onnx.export")  # not the function
    monkeypatch.setattr(export_module, "LARGE_MODEL_BYTES", [1024])
    model = ft.nn.Linear(6, 300)
    path = tmp_path / "big.onnx"
    proto = ft.onnx.export(model, _rand((2, 6)), f=str(path))
    assert (tmp_path / "big.onnx.data").exists()
    assert all(t.HasField("raw_data") for t in proto.graph.initializer)  # returned intact
    loaded = onnx.load(str(path))  # reads the external data back
    x = _rand((2, 6))
    check_runtimes(loaded, [x], numpy_outputs(model, x), 1e-5, ("onnxruntime",))
    with open(tmp_path / "stream.onnx", "wb") as stream, pytest.raises(ValueError,
                                                                       match="pass a path"):
        ft.onnx.export(model, x, f=stream)


def test_embedding_pytree_inputs_and_sizes_read_at_run_time():
    """Token ids through Embedding (Gather), a slice whose stop is another input's dynamic
    size, a mean over two dynamic axes (divides by their product), dict in and out, and a
    Python scalar argument."""
    ft.manual_seed(4)
    emb, head = ft.nn.Embedding(20, 8), ft.nn.Linear(8, 5)
    pos = ft.nn.Parameter(ft.randn(16, 8))

    def fun(batch, scale):
        tokens = batch["tokens"]
        h = emb(tokens) + pos[:tokens.shape[1]]
        logits = head(h) * scale
        return {"logits": logits, "pred": ft.argmax(logits, -1), "mean": ft.mean(h, axis=(0, 1))}

    rng = np.random.default_rng(0)
    proto = ft.onnx.export(fun, {"tokens": ft.array(rng.integers(0, 20, (3, 7)))}, 0.5,
                           input_names=["tokens", "scale"],
                           dynamic_axes={"tokens": {0: "batch", 1: "seq"}})
    for shape in ((1, 3), (3, 7), (6, 16)):
        tokens = ft.array(rng.integers(0, 20, shape))
        expected = numpy_outputs(fun, {"tokens": tokens}, 0.5)
        check_model_against(proto, expected)
        check_runtimes(proto, [tokens, np.float32(0.5)], expected, 1e-5)


def test_while_loop_becomes_onnx_loop():
    """A data-dependent trip count (halve until below a bound read from the input)."""
    def fun(x, bound):
        def body(state):
            value, count = state
            return value * 0.5, count + 1
        return ft.while_loop(lambda s: ft.max(ft.abs(s[0])) > bound[0], body,
                             (x, ft.zeros((), dtype=np.int64)))

    fun_jit = ft.jit(fun)
    x, bound = _rand((3, 2)) * 10.0, ft.array(np.array([0.5], np.float32))
    proto = ft.onnx.export(fun_jit, x, bound, input_names=["x", "bound"],
                           dynamic_axes={"x": {0: "n"}})
    assert "Loop" in {node.op_type for node in proto.graph.node}
    for rows, scale in ((1, 1.0), (3, 10.0), (6, 100.0)):
        xb = _rand((rows, 2), seed=rows) * scale
        expected = numpy_outputs(fun, xb, bound)
        check_model_against(proto, expected)
        check_runtimes(proto, [xb, bound], expected, 1e-5)


def test_cond_becomes_onnx_if():
    cond_module = pytest.importorskip("funtorch.transforms.cond_primitive",
                                      reason="this funtorch does not stage ft.cond")

    def fun(x, y):
        return ft.cond(ft.sum(x) > 0, lambda a: ft.sin(a) * y, lambda a: ft.cos(a) - y, x)

    proto = ft.onnx.export(ft.jit(fun), _rand((3, 2)), 2.0, input_names=["x", "y"],
                           dynamic_axes={"x": {0: "n"}})
    if "If" not in {node.op_type for node in proto.graph.node}:
        pytest.skip(f"ft.cond did not stage to {cond_module.cond_p.name} here")
    for rows, sign in ((1, 1.0), (3, -1.0), (6, 1.0)):
        x = ft.abs(_rand((rows, 2), seed=rows)) * sign
        expected = numpy_outputs(fun, x, 2.0)
        check_model_against(proto, expected)
        check_runtimes(proto, [x, np.float32(2.0)], expected, 1e-5)


def test_gradients_export_with_a_dynamic_batch():
    """ft.grad of a cross-entropy loss: the backward pass scatters into the logits
    (``logits[arange(n), labels]``) and into a slice of the input."""
    rng = np.random.default_rng(5)
    w1, w2 = _rand((4, 8), seed=6), _rand((8, 3), seed=7)

    def loss(ws, x, y):
        out = ft.nn.functional.gelu(x @ ws[0]) @ ws[1]
        return ft.nn.functional.cross_entropy(out, y) + ft.sum(x[:, 1:3] ** 2)

    grads = ft.grad(loss, argnums=(0, 1))
    fun = lambda a, b, x, y: grads((a, b), x, y)  # noqa: E731
    proto = ft.onnx.export(fun, w1, w2, _rand((5, 4)), ft.array(rng.integers(0, 3, 5)),
                           input_names=["w1", "w2", "x", "y"],
                           dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    assert "ScatterND" in {node.op_type for node in proto.graph.node}
    for batch in BATCHES:
        x, y = _rand((batch, 4), seed=batch), ft.array(rng.integers(0, 3, batch))
        expected = numpy_outputs(fun, w1, w2, x, y)
        check_model_against(proto, expected)
        check_runtimes(proto, [w1, w2, x, y], expected, 1e-5)


@pytest.mark.parametrize("fun", [
    ft.floor_divide, ft.mod, ft.bitwise_and, ft.bitwise_xor,
    lambda a, b: ft.sum(a > b, axis=0), lambda a, b: ft.any(a == b, axis=1),
    lambda a, b: ft.cumsum(a, axis=1), lambda a, b: ft.argmax(a * b, axis=None),
], ids=["floor_divide", "mod", "bitwise_and", "bitwise_xor", "count", "any", "cumsum",
        "argmax_flat"])
def test_integer_and_bool_results(fun):
    rng = np.random.default_rng(8)
    a = ft.array(rng.integers(-9, 9, (3, 4)))
    b = ft.array(rng.choice([-3, -2, 2, 3], (3, 4)))
    proto = ft.onnx.export(fun, a, b)
    expected = numpy_outputs(fun, a, b)
    check_model_against(proto, expected)
    check_runtimes(proto, [a, b], expected, 0.0)


@pytest.mark.parametrize("fun", [
    lambda x, i, j: x[None, i], lambda x, i, j: x[:, None, j], lambda x, i, j: x[i, j, None],
    lambda x, i, j: x[1, None, j], lambda x, i, j: x[i, None, j], lambda x, i, j: x[::-2, i[0]],
], ids=["new_first", "new_between", "new_last", "int_new_array", "new_splits_arrays",
        "reversed_and_array"])
def test_advanced_indexing_with_new_axes(fun):
    x = _rand((4, 3, 5))
    i = ft.array(np.array([[0, 2], [1, -1]]))
    j = ft.array(np.array([1, 0]))
    proto = ft.onnx.export(fun, x, i, j)
    expected = numpy_outputs(fun, x, i, j)
    check_model_against(proto, expected)
    check_runtimes(proto, [x, i, j], expected, 1e-6)


@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "reverse"])
def test_scan_without_xs_becomes_onnx_loop(reverse):
    def fun(x):
        return ft.scan(lambda c, _: (c * 0.5 + 1.0, ft.sum(c, axis=1)), x, None, length=4,
                       reverse=reverse)

    proto = ft.onnx.export(fun, _rand((3, 2)), input_names=["x"], dynamic_axes={"x": {0: "n"}})
    assert "Loop" in {node.op_type for node in proto.graph.node}
    for batch in (1, 3, 6):
        x = _rand((batch, 2), seed=batch)
        expected = numpy_outputs(fun, x)
        check_model_against(proto, expected)
        check_runtimes(proto, [x], expected, 1e-6)


def test_missing_onnx_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match=r"ft.onnx.export needs the onnx package.*\[onnx\]"):
        ft.onnx.export(ft.sin, _rand((2,)))


def test_transformer_encoder_float64():
    ft.manual_seed(9)
    layer = ft.nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, dropout=0.1,
                                          batch_first=True)
    encoder = ft.nn.TransformerEncoder(layer, num_layers=1).to(np.float64)
    proto = ft.onnx.export(encoder, _rand((TRACED, 3, 8), np.float64), input_names=["src"],
                           dynamic_axes={"src": {0: "batch", 1: "seq"}})
    for batch, seq in ((1, 1), (TRACED, 3), (TRACED + 3, 6)):
        x = _rand((batch, seq, 8), np.float64, batch)
        expected = numpy_outputs(encoder.eval(), x)
        check_model_against(proto, expected)
        check_runtimes(proto, [x], expected, 1e-10)


def test_bias_computed_after_the_product_is_not_folded_into_gemm():
    """The fused Gemm must only read values defined before it (topological order)."""
    w = ft.nn.Parameter(_rand((3, 4), seed=1))  # a box: its transpose is staged
    fun = lambda x: x @ w.T + ft.tanh(x[0, :3]) * 2.0  # noqa: E731  (bias staged after)
    proto = ft.onnx.export(fun, _rand((2, 4)))
    assert [n.op_type for n in proto.graph.node].count("Gemm") == 1
    x = _rand((2, 4), seed=3)
    expected = numpy_outputs(fun, x)
    check_model_against(proto, expected)
    check_runtimes(proto, [x], expected, 1e-5)
