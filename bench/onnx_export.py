"""ONNX export: how long ``ft.onnx.export`` takes for the four models of issue #17, and how
fast the exported MLP and CNN run in onnxruntime (one thread) against ``ft.jit`` of the
same forward pass (NumPy's BLAS also held to one thread, so both use one core).

Models (float32, eval mode, dynamic batch axis):

* MLP: ``nn.Sequential`` 784-512-512-10 with ReLU, batch 128 (``bench/workloads/mlp.py``);
* CNN: conv3x3(16)-BatchNorm-ReLU-maxpool2-conv3x3(32)-ReLU-maxpool2-Dropout-linear(10)
  on 28x28 images, batch 32 (``bench/workloads/cnn.py`` plus BatchNorm/Dropout);
* LSTM: 2-layer LSTM, 64 inputs, 128 hidden, 50 steps, batch 16;
* transformer: 2 ``TransformerEncoderLayer`` (d_model 128, 4 heads, feed-forward 512),
  batch 16, sequence 32.

The export time is the median of ``--repeat`` exports after one warm-up export (the first
one also imports ``onnx`` and the lowering rules, printed apart). Forward times are
medians of ``--repeat`` samples of ``--calls`` calls each.

Run: python bench/onnx_export.py [--repeat 5] [--calls 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before NumPy loads its BLAS

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import funtorch as ft  # noqa: E402

EXPORT_LIMIT_S = 2.0


class Encoder(ft.nn.Module):
    def __init__(self):
        super().__init__()
        layer = ft.nn.TransformerEncoderLayer(128, 4, 512, dropout=0.1, batch_first=True)
        self.encoder = ft.nn.TransformerEncoder(layer, num_layers=2)

    def forward(self, x):
        return self.encoder(x)


class Recurrent(ft.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = ft.nn.LSTM(64, 128, num_layers=2, batch_first=True)

    def forward(self, x):
        return self.lstm(x)[0]


def models():
    """``{name: (module, example input)}``, seeded."""
    ft.manual_seed(0)
    rng = np.random.default_rng(0)

    def data(*shape):
        return ft.asarray(rng.standard_normal(shape).astype(np.float32))

    mlp = ft.nn.Sequential(ft.nn.Linear(784, 512), ft.nn.ReLU(), ft.nn.Linear(512, 512),
                           ft.nn.ReLU(), ft.nn.Linear(512, 10))
    cnn = ft.nn.Sequential(
        ft.nn.Conv2d(1, 16, 3, padding=1), ft.nn.BatchNorm2d(16), ft.nn.ReLU(),
        ft.nn.MaxPool2d(2), ft.nn.Conv2d(16, 32, 3, padding=1), ft.nn.ReLU(),
        ft.nn.MaxPool2d(2), ft.nn.Dropout(0.25), ft.nn.Flatten(), ft.nn.Linear(32 * 7 * 7, 10))
    return {"MLP": (mlp, data(128, 784)), "CNN": (cnn, data(32, 1, 28, 28)),
            "LSTM": (Recurrent(), data(16, 50, 64)),
            "transformer": (Encoder(), data(16, 32, 128))}


def export(model, x):
    return ft.onnx.export(model, x, input_names=["x"], dynamic_axes={"x": {0: "batch"}})


def median_time(fn, repeat, calls=1):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


def session(proto):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(proto.SerializeToString(), options,
                                        providers=["CPUExecutionProvider"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="samples per measurement (5)")
    parser.add_argument("--calls", type=int, default=20, help="forward calls per sample (20)")
    args = parser.parse_args(argv)
    table = models()
    for model, _ in table.values():
        model.eval()
    start = time.perf_counter()
    export(*table["MLP"])
    print(f"first export (imports onnx and the lowering rules): "
          f"{time.perf_counter() - start:.2f} s\n")
    print("| model | export (median) | <= 2 s | onnxruntime, 1 thread | ft.jit | ratio |")
    print("|---|---|---|---|---|---|")
    for name, (model, x) in table.items():
        seconds = median_time(lambda: export(model, x), args.repeat)
        row = f"| {name} | {seconds:.3f} s | {'yes' if seconds <= EXPORT_LIMIT_S else 'NO'} |"
        if name in ("MLP", "CNN"):
            run = session(export(model, x))
            feed = {"x": x.numpy()}
            forward = ft.jit(model)
            forward(x)
            ort_s = median_time(lambda: run.run(None, feed), args.repeat, args.calls)
            jit_s = median_time(lambda: forward(x), args.repeat, args.calls)
            row += f" {ort_s * 1e3:.2f} ms | {jit_s * 1e3:.2f} ms | {jit_s / ort_s:.2f}x |"
        else:
            row += " | | |"
        print(row)
    print("\nratio = ft.jit time / onnxruntime time (>= 1: onnxruntime at least as fast)")


if __name__ == "__main__":
    main()
