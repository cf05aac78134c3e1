"""Distributed benchmarks (issue 16): gradient averaging, weak scaling, debug-mode cost.

Usage (from the repository root)::

    python bench/distributed.py              # launches itself on 2 ranks through mpiexec
    python bench/distributed.py --repeat 30

Run by ``mpiexec`` (the script relaunches itself with ``--worker``; one BLAS thread per
rank), it measures on 2 ranks:

1. averaging a float32 gradient tree of about 4 MB (a 6-leaf MLP-shaped tree):
   ``average_gradients`` in one 25 MB bucket and in 1 MB buckets, one allreduce per
   leaf, against one ``Allreduce`` of a flat buffer of the same size (MPI's blocking call
   and the group's polled one);
2. weak scaling of the ``mlp`` workload's step (784-512-512-10, batch 128 per rank,
   float32; jitted ``value_and_grad`` + SGD): rank 0 alone (rank 1 idle) against both
   ranks with gradient averaging, interleaved sample by sample in one run;
3. the cost of ``FUNTORCH_DISTRIBUTED_DEBUG`` on that 2-rank step.

Every number is the median over ``--repeat`` samples of rank 0's time per call; rank 0
prints a Markdown table and the issue's targets.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

TREE_SHAPES = [(1024, 768), (768,), (768, 256), (256,), (256, 128), (128,)]  # ~3.9 MiB f32


def timed(fn, group, calls):
    """Seconds per call of ``fn`` on rank 0, the ranks lined up first."""
    group.barrier()
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def sample(cases, group, repeat, calls):
    """``(median, min)`` seconds per call of every case, interleaving the cases round by
    round so that load from elsewhere hits them alike."""
    times = {name: [] for name in cases}
    for _ in range(repeat):
        for name, fn in cases.items():
            times[name].append(timed(fn, group, calls))
    return {name: (statistics.median(values), min(values)) for name, values in times.items()}


def averaging_cases(group, dist, ft):
    rng = np.random.default_rng(0)
    tree = {f"g{i}": ft.asarray(rng.standard_normal(shape).astype(np.float32))
            for i, shape in enumerate(TREE_SHAPES)}
    flat = np.concatenate([leaf.numpy().ravel() for leaf in tree.values()])
    out = np.empty_like(flat)
    from mpi4py import MPI

    hosts = [leaf.numpy() for leaf in tree.values()]
    return flat.nbytes, {
        "MPI Allreduce, flat buffer (blocking)":
            lambda: group.comm.Allreduce(flat, out, MPI.SUM),
        "group.allreduce, flat buffer (polled)": lambda: group.allreduce(flat, "mean"),
        "average_gradients, 25 MB buckets": lambda: dist.average_gradients(tree),
        "average_gradients, 1 MB buckets": lambda: dist.average_gradients(tree, 1),
        "one allreduce per leaf": lambda: [group.allreduce(h, "mean") for h in hosts],
    }


def mlp_step(ft, dist, group, average):
    from workloads.mlp import LR, funtorch_loss, make_data

    params, x, onehot = make_data(seed=0)
    _, x, onehot = make_data(seed=1 + group.rank)  # each rank its own batch of 128
    state = {"params": {k: ft.asarray(v) for k, v in params.items()}}
    data = (ft.asarray(x), ft.asarray(onehot))
    grad_fn = ft.jit(ft.value_and_grad(funtorch_loss))
    sgd = ft.jit(lambda p, g: ft.tree.map(lambda a, b: a - LR * b, p, g))

    def step():
        loss, grads = grad_fn(state["params"], *data)
        if average:
            grads = dist.average_gradients(grads)
        state["params"] = sgd(state["params"], grads)
    return step


def worker(args):
    import funtorch as ft
    import funtorch.distributed as dist

    group = dist.init(timeout=600)
    nbytes, cases = averaging_cases(group, dist, ft)
    averaging = sample(cases, group, args.repeat, 10)
    alone, together = mlp_step(ft, dist, group, False), mlp_step(ft, dist, group, True)

    def one_rank():  # rank 1 waits in the barrier of the next sample meanwhile
        if group.rank == 0:
            alone()

    def debug_step():
        group.debug = True
        together()
        group.debug = False

    for fn in (alone, together, debug_step):
        fn()  # compile the jitted functions before timing
    steps = sample({"1 rank": one_rank, "2 ranks": together, "2 ranks, debug": debug_step},
                   group, args.repeat, 5)
    if group.rank == 0:
        report(nbytes, averaging, steps)
    dist.shutdown()


def report(nbytes, averaging, steps):
    flat = averaging["MPI Allreduce, flat buffer (blocking)"]
    print(f"gradient averaging of a {nbytes / 2**20:.2f} MiB float32 tree "
          f"({len(TREE_SHAPES)} leaves), 2 ranks\n")
    print("| operation | median ms | min ms | vs flat Allreduce (median, min) |")
    print("|---|---:|---:|---:|")
    for name, (median, low) in averaging.items():
        print(f"| {name} | {median * 1e3:.3f} | {low * 1e3:.3f} | "
              f"{median / flat[0]:.2f}x, {low / flat[1]:.2f}x |")
    print("\nmlp step (784-512-512-10, batch 128 per rank, float32)\n")
    print("| configuration | median ms/step | min ms/step |\n|---|---:|---:|")
    for name, (median, low) in steps.items():
        print(f"| {name} | {median * 1e3:.3f} | {low * 1e3:.3f} |")
    ratios = [(averaging["average_gradients, 25 MB buckets"][k] / flat[k],
               steps["2 ranks"][k] / steps["1 rank"][k],
               steps["2 ranks, debug"][k] / steps["2 ranks"][k] - 1) for k in (0, 1)]
    for label, (bucketed, scaling, debug) in zip(("median", "min"), ratios):
        print(f"\ntargets ({label}): bucketed averaging {bucketed:.2f}x flat Allreduce "
              f"(<= 1.2x); 2-rank step {scaling:.2f}x the 1-rank step (<= 1.18x, efficiency "
              f"{1 / scaling:.2f}); debug mode {debug * 100:+.1f}% per step (<= 10%)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="samples per case (20)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    from funtorch.distributed.run import find_mpiexec, launch_env

    mpiexec = find_mpiexec()
    if mpiexec is None:
        raise SystemExit("bench/distributed.py needs mpiexec: pip install mpi4py mpich")
    command = [mpiexec, "-n", "2", sys.executable, __file__, "--worker",
               "--repeat", str(args.repeat)]
    return subprocess.call(command, env=launch_env())


if __name__ == "__main__":
    sys.exit(main())
