"""Benchmark runner: times each workload's implementations and checks their maths.

Usage (from the repository root)::

    python bench/run.py                                  # all workloads
    python bench/run.py --workloads overhead --repeat 30
    python bench/run.py --json results.json              # -> bench/results/results.json

For every workload it first runs the workload's ``check()`` (hand-written NumPy
backward against finite differences and funtorch's gradients), then for each
implementation whose library is importable: one step compared against the
NumPy baseline's first step, warm-up, ``--repeat`` timed repeats of an
auto-calibrated number of steps (median reported), and, for implementations
whose buffers are NumPy arrays, the peak memory of one step measured with
``tracemalloc`` above the level just before it. It prints a table and writes
the results, machine description and date as JSON under ``bench/results/``.
The benchmark measures the funtorch in this checkout (its root goes first on
``sys.path``). See ``bench/README.md`` for the workloads and recorded results.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from importlib import metadata
from pathlib import Path

from targets import evaluate_targets  # bench/ is sys.path[0] when this script runs

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
WORKLOAD_NAMES = ("overhead", "mlp", "per_example", "cnn", "lstm", "data", "transformer", "hvp",
                  "indexing", "indexing_grad")
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
NOISY_SPREAD = 1.5
MIN_RECORDED_REPEAT = 20  # issue 18: recorded medians come from >= 20 interleaved samples
SINGLE_THREADED_XLA = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
OPTIONAL_LIBRARIES = ("numpy", "torch", "jax", "jaxlib", "autograd")


def parse_args(argv=None):
    """Parse the command line (see ``--help``)."""
    parser = argparse.ArgumentParser(
        description="Time funtorch against hand-written NumPy (and HIPS autograd, PyTorch, "
                    "JAX when importable) and write a results table.")
    parser.add_argument("--workloads", nargs="+", choices=WORKLOAD_NAMES,
                        default=list(WORKLOAD_NAMES), help="workloads to run (all)")
    parser.add_argument("--implementations", nargs="+", metavar="NAME",
                        help="run only these implementations (the numpy baseline always runs)")
    parser.add_argument("--repeat", type=int, default=20,
                        help="timed repeats per implementation; the median is reported (20)")
    parser.add_argument("--min-time", type=float, default=0.05, metavar="SECONDS",
                        help="each repeat runs enough steps to last this long (0.05)")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="limit BLAS, OpenMP and torch threads to N, and JAX's too when N is 1 "
                             "(default: each library's own default)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="wall: elapsed time (default); cpu: this process's CPU time, "
                             "steadier on a machine shared with other jobs (use with "
                             "--threads 1; the data workload always takes wall time)")
    parser.add_argument("--json", metavar="PATH",
                        help="results file; a bare file name goes in bench/results/ "
                             "(default bench/results/bench-<date>-<time>.json)")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.min_time <= 0 or (args.threads is not None and args.threads < 1):
        parser.error("--repeat and --threads must be >= 1 and --min-time must be > 0")
    return args


def machine_info(threads):
    """Describe the machine and library versions for the results file."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as file:
            models = [line.split(":", 1)[1].strip() for line in file
                      if line.startswith("model name")]
        cpu = models[0] if models else cpu
    except OSError:
        pass
    versions = {}
    for name in OPTIONAL_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    import funtorch

    versions["funtorch"] = f"{funtorch.__version__} ({_git_revision()})"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "threads": threads if threads is not None else "library defaults",
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
    }


def _git_revision():
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT,
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "funtorch"], cwd=REPO_ROOT,
                               capture_output=True, text=True, check=False).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown revision"
    return f"git {commit}{' + local changes' if dirty else ''}"


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def calibrate(step, min_time, clock=time.perf_counter):
    """Warm ``step`` up and return how many consecutive steps last at least ``min_time``."""
    for _ in range(3):
        step()
    number = 1
    while True:
        start = clock()
        for _ in range(number):
            step()
        if clock() - start >= min_time:
            return number
        number *= 2


def time_steps(step, number, clock=time.perf_counter):
    """Return the mean time in seconds of ``number`` consecutive steps."""
    gc.collect()
    start = clock()
    for _ in range(number):
        step()
    return (clock() - start) / number


def workload_clock(module, args):
    """The clock for ``module``: ``--clock``'s, except wall time for a workload whose
    work happens outside this process or in sleeps (``WALL_CLOCK_ONLY``)."""
    if getattr(module, "WALL_CLOCK_ONLY", False):
        return time.perf_counter
    return CLOCKS[args.clock]


def peak_memory(step, runs=3):
    """Return the peak bytes traced during one step above the level just before it.

    NumPy reports its buffers to ``tracemalloc``, so for NumPy-backed code this
    counts arrays and Python objects alike. The largest of ``runs`` steps is
    returned.
    """
    peaks = []
    for _ in range(runs):
        gc.collect()
        tracemalloc.start()
        try:
            baseline = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            out = step()
            peaks.append(tracemalloc.get_traced_memory()[1] - baseline)
            del out
        finally:
            tracemalloc.stop()
    return max(peaks)


def prepare(module, args, log=print):
    """Build every importable implementation, check its first step, calibrate it.

    Returns:
        ``(results, runs)``: one result dict per implementation (skipped ones
        included) and ``(impl, step, steps_per_sample, result)`` per runnable one,
        the NumPy baseline first.

    Raises:
        AssertionError: if an implementation's first step disagrees with the
            NumPy baseline's.
    """
    results, runs, reference = [], [], None
    for impl in module.IMPLEMENTATIONS:
        if args.implementations and impl.name != "numpy" and impl.name not in args.implementations:
            continue
        row = {"workload": module.NAME, "implementation": impl.name}
        results.append(row)
        try:
            step, fetch = impl.make()
        except ImportError as error:
            log(f"[{module.NAME}] {impl.name}: skipped ({error})")
            row["skipped"] = str(error)
            continue
        first = fetch(step())
        if reference is None:
            reference = first
        else:
            try:
                module.compare(first, reference)
            except AssertionError as error:
                raise AssertionError(f"{module.NAME}: {impl.name} disagrees with the numpy "
                                     f"baseline on its first step:\n{error}") from None
        runs.append((impl, step, calibrate(step, args.min_time, workload_clock(module, args)),
                     row))
        verdict = "baseline" if len(runs) == 1 else "first step agrees with numpy"
        log(f"[{module.NAME}] {impl.name}: {verdict}; {runs[-1][2]} steps per sample")
    return results, runs


def run_workload(module, args, log=print):
    """Check, compare and time every importable implementation of one workload.

    Timed repeats are interleaved (one sample of each implementation per
    round), so a burst of load from elsewhere on the machine slows all of them
    alike instead of skewing one implementation's median.

    Returns:
        A list of result dicts, one per implementation (skipped ones included).

    Raises:
        AssertionError: if the workload's check fails or an implementation's
            first step disagrees with the NumPy baseline.
    """
    log(f"[{module.NAME}] {module.DESCRIPTION}")
    log(f"[{module.NAME}] check: {module.check()}")
    results, runs = prepare(module, args, log)
    samples = {id(row): [] for *_, row in runs}
    clock = workload_clock(module, args)
    for _ in range(args.repeat):
        for _, step, number, row in runs:
            samples[id(row)].append(time_steps(step, number, clock))
    for impl, step, number, row in runs:
        times = samples[id(row)]
        row.update(median_ms=1e3 * statistics.median(times), min_ms=1e3 * min(times),
                   steps_per_sample=number, samples_ms=[1e3 * t for t in times])
        if impl.traced_memory:
            row["peak_bytes"] = peak_memory(step)
    baseline = runs[0][3]["median_ms"]
    for *_, row in runs:
        row["ratio_to_numpy"] = row["median_ms"] / baseline
    return results


def format_table(results):
    """Return the results as a Markdown table."""
    lines = [("| workload | implementation | median ms/step | min ms/step | vs numpy "
              "| peak MiB |"), "|---|---|---:|---:|---:|---:|"]
    for row in results:
        if "skipped" in row:
            lines.append(f"| {row['workload']} | {row['implementation']} | not installed "
                         "| | | |")
            continue
        peak = f"{row['peak_bytes'] / 2**20:.2f}" if "peak_bytes" in row else "n/a"
        lines.append(f"| {row['workload']} | {row['implementation']} | {_ms(row['median_ms'])} "
                     f"| {_ms(row['min_ms'])} | {row['ratio_to_numpy']:.2f}x | {peak} |")
    return "\n".join(lines)


def _ms(value):
    """Milliseconds with three decimals, or three significant digits below 1 ms."""
    return f"{value:.3f}" if value >= 1 else f"{value:.3g}"


def results_path(json_arg, stamp):
    """Return where to write the JSON results (see ``--json``)."""
    if json_arg is None:
        return RESULTS_DIR / f"bench-{stamp}.json"
    path = Path(json_arg)
    return RESULTS_DIR / path if path.parent == Path(".") else path


def main(argv=None):
    """Run the selected workloads, print the table and targets, write the JSON."""
    args = parse_args(argv)
    if args.threads is not None:
        for variable in THREAD_VARIABLES:
            os.environ[variable] = str(args.threads)
        if args.threads == 1:
            os.environ["XLA_FLAGS"] = " ".join(filter(None, [
                os.environ.get("XLA_FLAGS"), SINGLE_THREADED_XLA]))
    sys.path.insert(0, str(REPO_ROOT))
    sys.path.insert(0, str(BENCH_DIR))
    if args.threads is not None and _importable("torch"):
        import torch

        torch.set_num_threads(args.threads)
    from workloads import WORKLOADS

    now = datetime.datetime.now().astimezone()
    machine = machine_info(args.threads)
    load_before = _load_average()
    results = []
    for name in args.workloads:
        results.extend(run_workload(WORKLOADS[name], args))
    machine["load_average"] = {"before": load_before, "after": _load_average()}
    table = format_table(results)
    targets = evaluate_targets(results)
    print()
    print(f"{machine['cpu']}, {machine['cores']} cores, Python {machine['python']}, "
          + ", ".join(f"{k} {v}" for k, v in machine["versions"].items()))
    print(f"clock: {args.clock}; threads: {machine['threads']}; 1-minute load average "
          f"before/after: "
          f"{machine['load_average']['before']}/{machine['load_average']['after']}")
    print(table)
    print()
    noisy = [f"{r['workload']}/{r['implementation']}" for r in results
             if "median_ms" in r and r["median_ms"] > NOISY_SPREAD * r["min_ms"]]
    if noisy:
        print(f"note: median above {NOISY_SPREAD}x the minimum for {', '.join(noisy)}: the "
              "machine is busy; try --threads 1 and a larger --repeat.")
    if args.repeat < MIN_RECORDED_REPEAT:
        print(f"note: --repeat {args.repeat}: figures for bench/README.md take the median of at "
              f"least {MIN_RECORDED_REPEAT} interleaved samples")
    for name, verdict in targets:
        print(f"target {name}: {verdict}")
    path = results_path(args.json, now.strftime("%Y%m%d-%H%M%S"))
    path.parent.mkdir(parents=True, exist_ok=True)
    report = {"date": now.isoformat(timespec="seconds"), "machine": machine,
              "args": vars(args), "results": results, "targets": dict(targets)}
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {path}")
    return report


def _load_average():
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def _importable(name):
    try:
        metadata.version(name)
    except metadata.PackageNotFoundError:
        return False
    return True


if __name__ == "__main__":
    main()
