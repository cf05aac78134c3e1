"""Deploy a funtorch model: export it to ONNX and run it in onnxruntime; exchange weights
with PyTorch through safetensors.

What this teaches:

* ``ft.onnx.export`` stages a function (here the quickstart MLP's ``predict`` with its
  trained parameters closed over) with ``jit``'s tracer and writes an ONNX model; with
  ``dynamic_axes`` the batch size stays symbolic, so one file serves any batch;
* ``onnxruntime`` runs it without funtorch: the two accuracies on the test set agree, and
  the logits differ by float32 rounding only (``ft.onnx.verify`` gives the same numbers);
* ``ft.load_safetensors`` reads a checkpoint written by PyTorch
  (``safetensors.torch.save_file(model.state_dict(), ...)``; the file is
  tests/fixtures/safetensors/mlp.safetensors, made by make_fixtures.py there) straight into
  ``load_state_dict`` of the same ``ft.nn`` architecture, and ``ft.save_safetensors``
  writes one PyTorch and Hugging Face read.

Needs the ``onnx`` and ``safetensors`` extras (``pip install -e .[onnx,safetensors]``).
Run from the repository root::

    python examples/export_onnx.py            # 5 epochs of training, then export and check
    python examples/export_onnx.py --smoke    # 5 steps, for CI
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from datasets import digits_datasets  # examples/datasets.py, next to this script
from quickstart import init_params, make_train_step, predict

import funtorch as ft

ROOT = Path(__file__).resolve().parent.parent
TORCH_CHECKPOINT = ROOT / "tests" / "fixtures" / "safetensors"
DEFAULT_OUT = Path(__file__).resolve().parent / "out"


def train(epochs, max_steps, seed=0):
    """The quickstart MLP trained briefly with AdamW; returns its parameter dict."""
    train_set, _ = digits_datasets(seed=seed)
    loader = ft.data.DataLoader(train_set, batch_size=64, shuffle=True, seed=seed)
    params = init_params(ft.random.key(seed))
    optimizer = ft.optim.adamw(lr=2e-3, weight_decay=1e-4)
    opt_state, step = optimizer.init(params), make_train_step(optimizer)
    steps = 0
    for _ in range(epochs):
        for x, y in loader:
            if steps == max_steps:
                return params
            params, opt_state, _ = step(params, opt_state, x, y)
            steps += 1
    return params


def run_onnxruntime(path, x):
    """The model's single output on ``x``, run by onnxruntime on one thread."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(path), options,
                                           providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def export_and_compare(params, out):
    """Export ``predict`` with the trained weights; compare both runtimes on the test set."""
    _, test_set = digits_datasets(seed=0)
    x, y = (t.numpy() for t in test_set.tensors)
    path = out / "quickstart.onnx"
    start = time.perf_counter()
    import onnx  # noqa: F401  (imported by export anyway: timed apart, it takes seconds)

    print(f"imported onnx in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    ft.onnx.export(lambda pixels: predict(params, pixels), ft.asarray(x[:2]), f=str(path),
                   input_names=["pixels"], output_names=["logits"],
                   dynamic_axes={"pixels": {0: "batch"}})
    print(f"exported {path.name} ({path.stat().st_size / 1024:.0f} KiB) in "
          f"{time.perf_counter() - start:.2f} s")
    ours = ft.jit(predict)(params, ft.asarray(x)).numpy()
    theirs = run_onnxruntime(path, x)  # all 359 test images at once: the batch is dynamic
    accuracies = [float(np.mean(np.argmax(logits, axis=1) == y)) for logits in (ours, theirs)]
    print(f"funtorch test accuracy {accuracies[0]:.4f}, onnxruntime test accuracy "
          f"{accuracies[1]:.4f}, max |logit difference| {np.max(np.abs(ours - theirs)):.2e}")


def load_pytorch_checkpoint(out):
    """Load PyTorch-written weights into ``ft.nn``; reproduce PyTorch's stored outputs."""
    model = ft.nn.Sequential(ft.nn.Linear(8, 16), ft.nn.ReLU(), ft.nn.Linear(16, 4))
    model.load_state_dict(ft.load_safetensors(TORCH_CHECKPOINT / "mlp.safetensors"))
    io = ft.load_safetensors(TORCH_CHECKPOINT / "io.safetensors")  # torch's inputs/outputs
    with ft.no_grad():
        diff = float(ft.max(ft.abs(model(io["mlp.x"]) - io["mlp.y"])))
    print(f"PyTorch checkpoint (safetensors) loaded into ft.nn: outputs match torch's to "
          f"{diff:.1e}")
    path = out / "mlp_from_torch.safetensors"
    ft.save_safetensors(model, path, metadata={"format": "pt"})  # torch can load it back
    again = ft.nn.Sequential(ft.nn.Linear(8, 16), ft.nn.ReLU(), ft.nn.Linear(16, 4))
    again.load_state_dict(ft.load_safetensors(path))
    same = all(np.array_equal(a.numpy(), b.numpy()) for a, b in
               zip(model.state_dict().values(), again.state_dict().values()))
    print(f"written back to {path.name} and reloaded: {'identical' if same else 'DIFFERENT'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=5, help="training epochs (5)")
    parser.add_argument("--smoke", action="store_true", help="5 training steps, for CI")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder for the .onnx and .safetensors files (examples/out)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    params = train(args.epochs, 5 if args.smoke else None)
    print(f"trained the quickstart MLP in {time.perf_counter() - start:.1f} s")
    export_and_compare(params, args.out)
    load_pytorch_checkpoint(args.out)


if __name__ == "__main__":
    main()
