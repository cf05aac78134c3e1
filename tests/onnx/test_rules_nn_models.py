"""The CNN (Conv/BatchNorm/ReLU/MaxPool/Dropout/Flatten/Linear) and the LSTM of ft.nn
exported with a dynamic batch axis: onnxruntime matches funtorch (rtol 1e-4) at batch 1,
the traced batch and the traced batch + 3, in opsets 17, 18 and the newest onnxruntime
loads; the CNN graph holds Conv and MaxPool nodes and no batch size."""

import numpy as np
import pytest

from _onnx_checks import check_model_against, check_runtimes, numpy_outputs

import funtorch as ft

TRACED = 4
BATCHES = (1, TRACED, TRACED + 3)


def _newest_opset():
    from test_onnx_export import OPSETS

    return max(OPSETS)


OPSETS = sorted({17, 18, _newest_opset()})


def _rand(shape, seed):
    return ft.asarray(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


def cnn():
    ft.manual_seed(0)
    model = ft.nn.Sequential(
        ft.nn.Conv2d(1, 6, 3, padding=1), ft.nn.BatchNorm2d(6), ft.nn.ReLU(),
        ft.nn.MaxPool2d(2), ft.nn.Conv2d(6, 8, 3, stride=2, padding=1), ft.nn.ReLU(),
        ft.nn.Dropout(0.25), ft.nn.Flatten(), ft.nn.Linear(8 * 2 * 2, 10))
    model(_rand((8, 1, 8, 8), 99))  # a training-mode call: running statistics move
    return model


class Tagger(ft.nn.Module):
    """An LSTM over ``(batch, time, features)`` and a linear read-out of every step."""

    def __init__(self):
        super().__init__()
        self.lstm = ft.nn.LSTM(5, 8, num_layers=2, batch_first=True, bidirectional=True)
        self.head = ft.nn.Linear(16, 3)

    def forward(self, x):
        return self.head(self.lstm(x)[0])


def _check_batches(proto, model, shape):
    for batch in BATCHES:
        x = _rand((batch,) + shape, batch)
        expected = numpy_outputs(model, x)
        check_model_against(proto, expected)
        check_runtimes(proto, [x], expected, 1e-4, ("onnxruntime",))


@pytest.mark.parametrize("opset", OPSETS)
def test_cnn_exports_conv_and_max_pool_with_dynamic_batch(opset):
    model = cnn()
    proto = ft.onnx.export(model, _rand((TRACED, 1, 8, 8), 0), input_names=["x"],
                           dynamic_axes={"x": {0: "batch"}}, opset=opset)
    ops = [node.op_type for node in proto.graph.node]
    assert ops.count("Conv") == 2 and "MaxPool" in ops and "BatchNormalization" in ops, ops
    assert not {"Gather", "Slice", "Dropout"} & set(ops), ops
    assert model.training  # export used eval mode and restored the flags
    assert proto.graph.output[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    _check_batches(proto, model.eval(), (1, 8, 8))


@pytest.mark.parametrize("opset", OPSETS)
def test_lstm_exports_as_scan_with_dynamic_batch(opset):
    ft.manual_seed(1)
    model = Tagger()
    proto = ft.onnx.export(model, _rand((TRACED, 6, 5), 0), input_names=["x"],
                           dynamic_axes={"x": {0: "batch"}}, opset=opset)
    ops = [node.op_type for node in proto.graph.node]
    assert ops.count("Scan") == 4, ops  # two layers, two directions
    _check_batches(proto, model.eval(), (6, 5))
    x = _rand((2, 6, 5), 5)
    check_runtimes(proto, [x], numpy_outputs(model, x), 1e-4, ("reference",))


def test_transposed_conv_and_avg_pool_with_dynamic_batch():
    ft.manual_seed(2)
    model = ft.nn.Sequential(
        ft.nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1), ft.nn.ReLU(),
        ft.nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
        ft.nn.Conv2d(4, 2, 1)).eval()
    proto = ft.onnx.export(model, _rand((TRACED, 3, 5, 5), 0), input_names=["x"],
                           dynamic_axes={"x": {0: "batch"}})
    ops = [node.op_type for node in proto.graph.node]
    assert ops == ["ConvTranspose", "Relu", "AveragePool", "Conv", "Identity"], ops
    _check_batches(proto, model, (3, 5, 5))
