"""Every example runs with ``--smoke`` and prints its expected line.

The scripts run in subprocesses (``sys.executable``, the repository root on
``PYTHONPATH`` so no install is needed), all at once in a thread pool, so the whole
file takes about as long as the slowest example. Outputs go to a temporary folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TIMEOUT = 120  # seconds per script; smoke runs take a few

# script -> (extra arguments, a regular expression its stdout must match)
EXPECTED = {
    "quickstart.py": (["--out", "{out}"], r"final test accuracy 0\.\d{4}"),
    "autograd_basics.py": (["--out", "{out}"], r"autograd basics: OK"),
    "linear_regression_manual.py": ([], r"final mse \d"),
    "breast_cancer_single_neuron.py": ([], r"nn\.Module pipeline test accuracy 0\.\d+"),
    "pytorch_style_cnn.py": (["--out", "{out}"], r"reloaded model gives identical outputs"),
    "lstm_sequence.py": ([], r"held-out per-step accuracy 0\.\d+"),
    "per_example_gradients.py": ([], r"per-example gradients: .* they match"),
    "hessian_vector.py": ([], r"match hessian\(f\) @ v"),
    "property_based_gradcheck.py": (
        [], r"property-based gradient checks: OK|hypothesis is not installed"),
    "functional_vs_pytorch_style.py": ([], r"losses agree over 5 steps"),
    "pytorch_port.py": (["--out", "{out}"], r"funtorch: final loss \d\.\d+  test accuracy 0\.\d+"),
    "char_transformer.py": (["--out", "{out}"], r"char transformer: train loss \d+\.\d+ -> "),
    "export_onnx.py": (["--out", "{out}"], r"onnxruntime test accuracy 0\.\d{4}, max \|logit "
                                          r"difference\| \d\.\d+e-0[5-9]"),
    "distributed_data_parallel.py": (["--out", "{out}"], r"final test accuracy 0\.\d{4}"),
}


def _run(script, args, out_dir):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["MPLBACKEND"] = "Agg"
    command = [sys.executable, str(EXAMPLES / script), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT,
                          cwd=out_dir, env=env, check=False)


@pytest.fixture(scope="module")
def smoke_runs(tmp_path_factory):
    """Run every example with ``--smoke`` in parallel; map script name -> CompletedProcess."""
    out_dirs = {script: tmp_path_factory.mktemp(script.removesuffix(".py"))
                for script in EXPECTED}  # here: mktemp is not thread-safe

    def run_one(script):
        args = [arg.format(out=out_dirs[script]) for arg in EXPECTED[script][0]]
        return script, _run(script, ["--smoke", *args], out_dirs[script])

    with ThreadPoolExecutor(max_workers=len(EXPECTED)) as pool:
        return {script: (proc, out_dirs[script]) for script, proc in pool.map(run_one, EXPECTED)}


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_example_smoke(smoke_runs, script):
    proc, _ = smoke_runs[script]
    details = f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"
    assert proc.returncode == 0, f"{script} --smoke exited with {proc.returncode}\n{details}"
    assert re.search(EXPECTED[script][1], proc.stdout), \
        f"{script} --smoke did not print {EXPECTED[script][1]!r}\n{details}"


def test_outputs_go_to_out_folder(smoke_runs):
    quickstart_out = smoke_runs["quickstart.py"][1]
    assert (quickstart_out / "quickstart.ft").is_file()
    assert (smoke_runs["autograd_basics.py"][1] / "autograd_basics.dot").read_text().startswith(
        "digraph")
    assert (smoke_runs["pytorch_style_cnn.py"][1] / "pytorch_style_cnn.ft").is_file()


def test_every_example_is_smoke_tested():
    scripts = {path.name for path in EXAMPLES.glob("*.py")} - {"datasets.py"}
    assert scripts == set(EXPECTED), f"add the new examples to EXPECTED: {scripts ^ set(EXPECTED)}"


def test_quickstart_help_lists_options(tmp_path):
    proc = _run("quickstart.py", ["--help"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    for option in ("--epochs", "--batch-size", "--lr", "--seed", "--device", "--smoke", "--out"):
        assert option in proc.stdout


def test_dataset_builders():
    sys.path.insert(0, str(EXAMPLES))
    try:
        import datasets
    finally:
        sys.path.remove(str(EXAMPLES))
    train, test = datasets.digits_datasets(seed=0, images=True)
    assert (len(train), len(test)) == (1438, 359)
    assert train[0][0].shape == (1, 8, 8) and str(train[0][1].dtype) == "int64"
    train, test = datasets.breast_cancer_datasets(seed=0)
    assert (len(train), len(test)) == (456, 113)
    x_train = train.tensors[0].numpy()
    assert abs(x_train.mean()) < 1e-5 and abs(x_train.std() - 1.0) < 1e-3
