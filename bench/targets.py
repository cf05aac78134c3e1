"""The issues' performance targets, checked against one run's results (``bench/run.py``)."""

from __future__ import annotations

__all__ = ["evaluate_targets"]


# (issue, workload, implementation, compared with, measure, bound, "<=" or ">="): the
# implementation's median time (or peak memory) over the other's
RATIO_TARGETS = (
    ("2", "overhead", "autograd", "funtorch", "time", 3.0, ">="),
    ("2", "overhead", "funtorch", "torch", "time", 1.0, "<="),
    ("4", "overhead", "funtorch-jit", "numpy", "time", 1.3, "<="),
    ("4", "overhead", "funtorch", "funtorch-jit", "time", 3.0, ">="),
    ("2", "mlp", "funtorch", "numpy", "time", 1.15, "<="),
    ("2", "mlp", "funtorch", "numpy", "peak", 1.3, "<="),
    ("4", "mlp", "funtorch-jit", "numpy", "time", 1.05, "<="),
    ("4", "mlp", "funtorch-jit", "numpy", "peak", 1.0, "<="),
    ("3", "per_example", "funtorch-loop", "funtorch", "time", 20.0, ">="),
    ("3", "per_example", "funtorch", "numpy", "time", 2.0, "<="),
    ("5", "cnn", "funtorch", "numpy", "time", 1.5, "<="),
    ("5", "lstm", "funtorch", "numpy", "time", 2.0, "<="),
    ("15", "transformer", "funtorch", "torch", "time", 1.5, "<="),
    ("15", "transformer", "funtorch-jit", "torch", "time", 1.2, "<="),
    ("18", "overhead", "funtorch", "numpy", "time", 4.0, "<="),
    ("18", "overhead", "funtorch", "torch", "time", 0.65, "<="),
    ("18", "overhead", "funtorch-backward", "torch", "time", 0.8, "<="),
    ("18", "mlp", "funtorch", "numpy", "time", 1.10, "<="),
    ("18", "mlp", "funtorch-jit", "numpy", "time", 1.02, "<="),
    ("18", "hvp", "funtorch", "numpy", "time", 8.0, "<="),
    ("18", "hvp", "funtorch-jit", "numpy", "time", 1.3, "<="),
    ("18", "lstm", "funtorch", "numpy", "time", 1.25, "<="),
    ("18", "lstm", "funtorch-jit", "numpy", "time", 1.15, "<="),
    ("18", "per_example", "funtorch", "numpy", "time", 1.6, "<="),
    ("7", "data", "loader-w0", "loader-w2", "time", 1.8, ">="),
)
_FIELDS = {"time": "median_ms", "peak": "peak_bytes"}


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

    targets = []
    for issue, workload, name, other, measure, bound, sense in RATIO_TARGETS:
        at_least = sense == ">="
        targets.append((f"#{issue} {workload}: {name} {measure} / {other} {measure} {sense} "
                        f"{bound:g}", ratio(workload, name, other, _FIELDS[measure]),
                        (lambda r, b=bound: r >= b) if at_least else (lambda r, b=bound: r <= b)))
    targets += [
        ("#18 indexing: funtorch microseconds per basic index <= 3",
         per_call_us("indexing", "funtorch"), lambda r: r <= 3.0),
        ("#18 indexing_grad: funtorch ratio to numpy / overhead's funtorch ratio to numpy <= 1",
         ratio_of_ratios(("indexing_grad", "funtorch"), ("overhead", "funtorch")),
         lambda r: r <= 1.0),
        ("#7 data: Pipeline identity-map overhead, microseconds per element < 5",
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
