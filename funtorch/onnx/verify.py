"""``ft.onnx.verify``: run an exported model and compare it with funtorch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from funtorch import ops, tree
from funtorch.onnx.registry import require

__all__ = ["verify", "OutputDiff", "run_model"]


class OutputDiff(NamedTuple):
    """How far one output of the model is from funtorch's.

    ``max_rel`` is ``max_abs`` over the largest magnitude funtorch produced (a
    relative error that stays meaningful where single elements are near zero).

    Attributes:
        name: the output's name in the ONNX graph.
        max_abs: the largest absolute difference, ``max |onnx - funtorch|`` (float64).
        max_rel: ``max_abs / max |funtorch|`` (``max_abs`` itself when funtorch's output is
            all zeros or empty).

    Example:
        >>> diff = ft.onnx.OutputDiff("y", max_abs=2e-7, max_rel=1e-7)
        >>> diff.max_rel < 1e-6, diff.name
        (True, 'y')
    """

    name: str
    max_abs: float
    max_rel: float


def run_model(model: Any, flat_inputs: Sequence[Any], runtime: str = "onnxruntime"
              ) -> list[np.ndarray]:
    """The model's outputs (NumPy arrays) on the flattened inputs, run by
    ``"onnxruntime"`` (one thread) or ``"reference"`` (``onnx.reference``)."""
    feeds = {info.name: np.asarray(x) for info, x in zip(model.graph.input, flat_inputs)}
    if runtime == "reference":
        from onnx.reference import ReferenceEvaluator

        return [np.asarray(o) for o in ReferenceEvaluator(model).run(None, feeds)]
    if runtime != "onnxruntime":
        raise ValueError(f"onnx.verify: runtime must be 'onnxruntime' or 'reference', got "
                         f"{runtime!r}")
    onnxruntime = require("onnxruntime", "ft.onnx.verify")
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(model.SerializeToString(), options,
                                           providers=["CPUExecutionProvider"])
    return [np.asarray(o) for o in session.run(None, feeds)]


def verify(model: Any, fun: Callable[..., Any], *args: Any, runtime: str = "onnxruntime"
           ) -> list[OutputDiff]:
    """Run ``model`` on ``args`` and compare each output with ``fun(*args)``.

    Args:
        model: an ``onnx.ModelProto`` (from :func:`export`).
        fun: the function or Module it was exported from (a Module runs in eval mode).
        *args: the inputs (pytrees allowed, flattened as ``export`` flattens them).
        runtime: ``"onnxruntime"`` or ``"reference"`` (``onnx.reference.ReferenceEvaluator``).

    Returns:
        A list with one :class:`OutputDiff` ``(name, max_abs, max_rel)`` per output.

    Raises:
        ValueError: ``runtime`` is unknown, or the model's outputs differ from the
            function's in number or in shape.
        ImportError: ``onnxruntime`` (or ``onnx`` for ``"reference"``) is not installed.

    Example:
        >>> f = lambda x: ft.tanh(x) * 2.0
        >>> diffs = ft.onnx.verify(ft.onnx.export(f, ft.ones(3)), f, ft.ones(3))
        >>> diffs[0].max_abs < 1e-6
        True
    """
    from funtorch.grad_mode import no_grad
    from funtorch.onnx.export import eval_mode

    flat, _ = tree.flatten(tuple(args))
    got = run_model(model, [np.asarray(ops.asarray(x)) for x in flat], runtime)
    with eval_mode(fun), no_grad():
        expected, _ = tree.flatten(fun(*args))
    if len(got) != len(expected):
        raise ValueError(f"onnx.verify: the model has {len(got)} outputs, the function returns "
                         f"{len(expected)}")
    diffs = []
    for info, value, want in zip(model.graph.output, got, expected):
        want = np.asarray(want)
        if value.shape != want.shape:
            raise ValueError(f"onnx.verify: output {info.name!r} has shape {value.shape}, "
                             f"funtorch's has {want.shape}")
        error = np.abs(value.astype(np.float64) - want.astype(np.float64))
        max_abs = float(error.max()) if error.size else 0.0
        scale = float(np.abs(want).max()) if want.size else 0.0
        diffs.append(OutputDiff(info.name, max_abs, max_abs / scale if scale else max_abs))
    return diffs
