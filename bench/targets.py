"""The issues' performance targets, checked against one run's results (``bench/run.py``)."""

from __future__ import annotations

__all__ = ["evaluate_targets"]


def evaluate_targets(results):
    """Return ``(target, verdict)`` lines for the issues' performance targets."""
    rows = {(r["workload"], r["implementation"]): r for r in results if "median_ms" in r}

    def ratio(workload, name, other, field="median_ms"):
        mine, theirs = rows.get((workload, name)), rows.get((workload, other))
        if mine is None or theirs is None or field not in mine or field not in theirs:
            return None
        return mine[field] / theirs[field]

    def per_call_us(workload, name):
        mine = rows.get((workload, name))
        return None if mine is None else 1e3 * mine["median_ms"] / _calls_per_step(workload)

    def ratio_of_ratios(mine, other):
        mine, other = rows.get(mine), rows.get(other)
        if mine is None or other is None:
            return None
        return mine["ratio_to_numpy"] / other["ratio_to_numpy"]

    def pipeline_overhead_us():
        mine, bare = rows.get(("data", "pipeline-map")), rows.get(("data", "python-loop"))
        if mine is None or bare is None:
            return None
        return 1e3 * (mine["median_ms"] - bare["median_ms"]) / _data_epoch()

    targets = [
        ("overhead: autograd time / funtorch time >= 3",
         ratio("overhead", "autograd", "funtorch"), lambda r: r >= 3.0),
        ("overhead: funtorch time / torch time <= 1",
         ratio("overhead", "funtorch", "torch"), lambda r: r <= 1.0),
        ("overhead: funtorch-jit time / numpy time <= 1.3",
         ratio("overhead", "funtorch-jit", "numpy"), lambda r: r <= 1.3),
        ("overhead: funtorch time / funtorch-jit time >= 3",
         ratio("overhead", "funtorch", "funtorch-jit"), lambda r: r >= 3.0),
        ("mlp: funtorch time / numpy time <= 1.15",
         ratio("mlp", "funtorch", "numpy"), lambda r: r <= 1.15),
        ("mlp: funtorch peak / numpy peak <= 1.3",
         ratio("mlp", "funtorch", "numpy", "peak_bytes"), lambda r: r <= 1.3),
        ("mlp: funtorch-jit time / numpy time <= 1.05",
         ratio("mlp", "funtorch-jit", "numpy"), lambda r: r <= 1.05),
        ("mlp: funtorch-jit peak / numpy peak <= 1",
         ratio("mlp", "funtorch-jit", "numpy", "peak_bytes"), lambda r: r <= 1.0),
        ("per_example: funtorch-loop time / funtorch (vmap of grad) time >= 20",
         ratio("per_example", "funtorch-loop", "funtorch"), lambda r: r >= 20.0),
        ("per_example: funtorch (vmap of grad) time / numpy time <= 2",
         ratio("per_example", "funtorch", "numpy"), lambda r: r <= 2.0),
        ("cnn: funtorch time / numpy time <= 1.5",
         ratio("cnn", "funtorch", "numpy"), lambda r: r <= 1.5),
        ("lstm: funtorch time / numpy time <= 2",
         ratio("lstm", "funtorch", "numpy"), lambda r: r <= 2.0),
        ("transformer: funtorch time / torch time <= 1.5",
         ratio("transformer", "funtorch", "torch"), lambda r: r <= 1.5),
        ("transformer: funtorch-jit time / torch time <= 1.2",
         ratio("transformer", "funtorch-jit", "torch"), lambda r: r <= 1.2),
        ("#18 overhead: funtorch time / numpy time <= 4",
         ratio("overhead", "funtorch", "numpy"), lambda r: r <= 4.0),
        ("#18 overhead: funtorch time / torch time <= 0.65",
         ratio("overhead", "funtorch", "torch"), lambda r: r <= 0.65),
        ("#18 overhead: funtorch-backward time / torch time <= 0.8",
         ratio("overhead", "funtorch-backward", "torch"), lambda r: r <= 0.8),
        ("#18 mlp: funtorch time / numpy time <= 1.10",
         ratio("mlp", "funtorch", "numpy"), lambda r: r <= 1.10),
        ("#18 mlp: funtorch-jit time / numpy time <= 1.02",
         ratio("mlp", "funtorch-jit", "numpy"), lambda r: r <= 1.02),
        ("#18 hvp: funtorch time / numpy time <= 8",
         ratio("hvp", "funtorch", "numpy"), lambda r: r <= 8.0),
        ("#18 hvp: funtorch-jit time / numpy time <= 1.3",
         ratio("hvp", "funtorch-jit", "numpy"), lambda r: r <= 1.3),
        ("#18 lstm: funtorch time / numpy time <= 1.25",
         ratio("lstm", "funtorch", "numpy"), lambda r: r <= 1.25),
        ("#18 lstm: funtorch-jit time / numpy time <= 1.15",
         ratio("lstm", "funtorch-jit", "numpy"), lambda r: r <= 1.15),
        ("#18 per_example: funtorch (vmap of grad) time / numpy time <= 1.6",
         ratio("per_example", "funtorch", "numpy"), lambda r: r <= 1.6),
        ("#18 indexing: funtorch microseconds per basic index <= 3",
         per_call_us("indexing", "funtorch"), lambda r: r <= 3.0),
        ("#18 indexing_grad: funtorch ratio to numpy / overhead's funtorch ratio to numpy <= 1",
         ratio_of_ratios(("indexing_grad", "funtorch"), ("overhead", "funtorch")),
         lambda r: r <= 1.0),
        ("data: DataLoader speed-up, num_workers=0 time / num_workers=2 time >= 1.8",
         ratio("data", "loader-w0", "loader-w2"), lambda r: r >= 1.8),
        ("data: Pipeline identity-map overhead, microseconds per element < 5",
         pipeline_overhead_us(), lambda r: r < 5.0),
    ]
    return [(name, "not measured" if value is None
             else f"{value:.2f} -> {'met' if ok(value) else 'NOT met'}")
            for name, value, ok in targets]


def _data_epoch():
    from workloads import data

    return data.EPOCH


def _calls_per_step(workload):
    from workloads import WORKLOADS

    return WORKLOADS[workload].CALLS
