"""The nn-level ONNX lowerings (funtorch/onnx/rules_nn*.py): convolutions of every rank
and transposed ones become Conv/ConvTranspose, pooling MaxPool/AveragePool, eval-mode
batch norm BatchNormalization; recurrent layers run through ``scan``, whose Scan lowering
(rules_control.py) is checked here on gate-asymmetric LSTM/GRU/RNN weights. Each case:
the expected operators and no window emulation in the graph, the checker and shape inference, and onnxruntime plus
onnx.reference against funtorch in float32 (rtol 1e-5) and float64 (rtol 1e-10)."""

import numpy as np
import pytest

from _onnx_checks import RTOL, check_model_against, check_runtimes, numpy_outputs

import funtorch as ft
import funtorch.nn.functional as F

EMULATION = {"Slice", "Gather", "GatherND", "ScatterND", "ScatterElements", "Concat"}
# operators onnxruntime (1.32) has no float64 kernel for: their float64 models are valid
# ONNX (the checker passes) and run in onnx.reference only
ORT_FLOAT32_ONLY = {"Conv", "ConvTranspose", "AveragePool"}
BOTH = ("onnxruntime", "reference")


def _rand(shape, dtype, seed):
    return ft.asarray(np.random.default_rng(seed).standard_normal(shape).astype(dtype))


def _export_and_check(fun, shapes, dtype, expect, forbid=EMULATION, runtimes=BOTH):
    args = [_rand(shape, dtype, seed) for seed, shape in enumerate(shapes)]
    proto = ft.onnx.export(fun, *args)
    ops = {node.op_type for node in proto.graph.node}
    assert expect <= ops and not ops & forbid, ops
    expected = numpy_outputs(fun, *args)
    check_model_against(proto, expected)
    if dtype == np.float64 and ops & ORT_FLOAT32_ONLY:
        runtimes = tuple(r for r in runtimes if r != "onnxruntime")
    check_runtimes(proto, args, expected, RTOL[np.dtype(dtype)], runtimes)
    return proto


# onnx.reference's ConvTranspose mis-reshapes grouped weights: onnxruntime checks those
GROUPED_TRANSPOSE = {"conv_transpose1d"}
CONVS = {
    "conv1d": (lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1), [(2, 3, 9), (4, 3, 3), (4,)]),
    "conv1d_groups_dilation": (lambda x, w: F.conv1d(x, w, groups=2, dilation=2),
                               [(2, 4, 9), (6, 2, 3)]),
    "conv2d": (lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2)),
               [(2, 3, 7, 6), (4, 3, 3, 2), (4,)]),
    "conv2d_same": (lambda x, w: F.conv2d(x, w, padding="same"), [(1, 2, 5, 5), (3, 2, 2, 3)]),
    "conv2d_unbatched": (lambda x, w: F.conv2d(x, w), [(2, 5, 5), (3, 2, 3, 3)]),
    "conv3d": (lambda x, w, b: F.conv3d(x, w, b, padding=(1, 0, 1), dilation=(1, 2, 1)),
               [(1, 2, 4, 5, 4), (3, 2, 2, 2, 2), (3,)]),
    "conv_transpose1d": (lambda x, w, b: F.conv_transpose1d(x, w, b, stride=3, padding=2,
                                                            groups=2, dilation=2),
                         [(2, 4, 5), (4, 3, 3), (6,)]),
    "conv_transpose2d": (lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1,
                                                            output_padding=1),
                         [(2, 4, 4, 3), (4, 2, 3, 3), (2,)]),
    "conv_transpose2d_plain": (lambda x, w: F.conv_transpose2d(x, w), [(1, 3, 3, 3),
                                                                      (3, 2, 2, 2)]),
    "conv_transpose3d": (lambda x, w: F.conv_transpose3d(x, w, stride=(1, 2, 1), padding=1),
                         [(1, 2, 3, 3, 3), (2, 2, 3, 2, 3)]),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(CONVS))
def test_convolutions_are_conv_nodes(name, dtype):
    fun, shapes = CONVS[name]
    op = "ConvTranspose" if "transpose" in name else "Conv"
    if name in GROUPED_TRANSPOSE and dtype == np.float64:
        pytest.skip("no runtime runs a grouped float64 ConvTranspose (see GROUPED_TRANSPOSE)")
    runtimes = ("onnxruntime",) if name in GROUPED_TRANSPOSE else BOTH
    forbid = EMULATION - {"Slice"} if "unbatched" in name else EMULATION  # x[None], out[0]
    proto = _export_and_check(fun, shapes, dtype, {op}, forbid, runtimes)
    node = [n for n in proto.graph.node if n.op_type == op][0]
    assert len(node.input) == (3 if len(shapes) == 3 else 2), node  # the bias folds in
    assert not {n.op_type for n in proto.graph.node} & {"Pad", "Add"}


def test_reflect_padding_keeps_its_pad_and_still_convolves():
    """The reflection is F.pad's own lowering; the convolution is still one Conv."""
    layer = ft.nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect")
    _export_and_check(layer, [(1, 2, 5, 5)], np.float32, {"Conv"}, forbid=set())


# ceil_mode with count_include_pad: the last window's divisor counts the padding but not
# the ceil extension (PyTorch's rule); it stays Pad -> AveragePool -> Mul -> Div
DIVISOR_KEPT = {"avg_pool2d_ceil_include_pad"}
POOLS = {
    "max_pool2d": (lambda x: F.max_pool2d(x, 3, 2, padding=1), (2, 3, 7, 7), "MaxPool"),
    "max_pool2d_ceil": (lambda x: F.max_pool2d(x, 2, ceil_mode=True), (1, 2, 5, 5), "MaxPool"),
    "max_pool1d_dilation": (lambda x: F.max_pool1d(x, 2, dilation=2), (2, 3, 9), "MaxPool"),
    "max_pool3d": (lambda x: F.max_pool3d(x, 2), (1, 2, 4, 4, 4), "MaxPool"),
    "avg_pool2d": (lambda x: F.avg_pool2d(x, 2), (2, 3, 6, 6), "AveragePool"),
    "avg_pool2d_padding": (lambda x: F.avg_pool2d(x, 3, 2, padding=1, ceil_mode=True,
                                                  count_include_pad=False),
                           (2, 3, 7, 7), "AveragePool"),
    "avg_pool1d": (lambda x: F.avg_pool1d(x, 3, 1, padding=1), (2, 3, 6), "AveragePool"),
    "avg_pool3d": (lambda x: F.avg_pool3d(x, 2), (1, 2, 4, 4, 4), "AveragePool"),
    "avg_pool2d_ceil_include_pad": (lambda x: F.avg_pool2d(x, 3, 2, padding=1, ceil_mode=True),
                                    (1, 2, 6, 6), "AveragePool"),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(POOLS))
def test_pooling_is_pool_nodes(name, dtype):
    fun, shape, op = POOLS[name]
    proto = _export_and_check(fun, [shape], dtype, {op})
    if name not in DIVISOR_KEPT:  # the pads and the divisor fold into the pool
        assert {n.op_type for n in proto.graph.node} == {op, "Identity"}


def test_max_pool_with_indices_still_exports():
    """The indices need the windows themselves: they export op by op (strided Slices, no
    gather), the values still through MaxPool."""
    fun = lambda x: F.max_pool2d(x, 2, return_indices=True)  # noqa: E731
    _export_and_check(fun, [(1, 2, 4, 4)], np.float32, {"MaxPool", "Slice"}, forbid={"Gather"})


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layer, shape", [(ft.nn.BatchNorm1d, (4, 3)),
                                          (ft.nn.BatchNorm1d, (4, 3, 5)),
                                          (ft.nn.BatchNorm2d, (2, 3, 4, 4))])
def test_eval_batch_norm_is_batch_normalization(layer, shape, dtype):
    ft.manual_seed(0)
    norm = layer(3)
    norm(_rand(shape, np.float32, 9) * 3.0 + 1.0)  # training call: running stats move
    norm = norm.to(dtype).eval()
    _export_and_check(norm, [shape], dtype, {"BatchNormalization"}, forbid={"Sqrt", "Div"})


def _step(carry, x):
    h, total = carry
    h = ft.tanh(h * 0.5 + x)
    return (h, total + ft.sum(h)), h * 2.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reverse", [False, True])
def test_scan_is_a_scan_node(reverse, dtype):
    weight = _rand((3, 3), dtype, 7)

    def fun(h0, xs):
        step = lambda c, x: _step(c, x @ weight)  # noqa: E731  (a loop constant)
        return ft.scan(step, (h0, ft.zeros((), dtype=dtype)), xs, reverse=reverse)

    _export_and_check(fun, [(2, 3), (5, 2, 3)], dtype, {"Scan"}, forbid={"Gather", "Loop"})


GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}


def _asymmetric(rnn, seed):
    """Give every gate block its own scale and sign, so that a gate-order mix-up in the
    export cannot cancel out."""
    rng = np.random.default_rng(seed)
    state = {}
    for name, value in rnn.state_dict().items():
        blocks = np.split(np.asarray(value), GATES[type(rnn).__name__])
        state[name] = np.concatenate([b * s for b, s in zip(blocks, rng.uniform(-2, 2, 4))])
    rnn.load_state_dict(state)
    return rnn


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cls, kwargs", [
    (ft.nn.LSTM, {"num_layers": 2, "batch_first": True}),
    (ft.nn.LSTM, {"bidirectional": True}),
    (ft.nn.GRU, {"num_layers": 2, "bidirectional": True}),
    (ft.nn.RNN, {"nonlinearity": "relu"}),
])
def test_recurrent_layers_export_through_scan(cls, kwargs, dtype):
    ft.manual_seed(3)
    rnn = _asymmetric(cls(3, 4, **kwargs), 5).to(dtype).eval()
    fun = lambda x: rnn(x)  # noqa: E731
    _export_and_check(fun, [(2, 5, 3)], dtype, {"Scan"}, forbid={"Gather"})


WINDOW_CASES = __import__("funtorch.ops.windows", fromlist=["_CASES"])._CASES


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", range(len(WINDOW_CASES)))
@pytest.mark.parametrize("name", ["sliding_window_view", "windows_sum"])
def test_plain_window_lowerings_outside_a_pattern(name, case, dtype):
    """Windows no Conv/pool consumes (repeated axes, dilations, steps) export as strided
    Slices (and Pads for the sum), never a gather."""
    shape, params = WINDOW_CASES[case]
    prim = ft.core.Primitive.registry[name]
    if name == "windows_sum":
        params = dict(params, shape=shape)
        shape = ft.core.Primitive.registry["sliding_window_view"].shape(
            ft.zeros(shape), **{k: v for k, v in params.items() if k != "shape"})[0]
    fun = lambda x: ft.core.bind(prim, x, **params)  # noqa: E731
    _export_and_check(fun, [shape], dtype, {"Slice"}, forbid={"Gather", "ScatterND"})
