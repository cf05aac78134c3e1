"""Distributed benchmarks (issue 16): gradient averaging, weak scaling, debug-mode cost.

Usage (from the repository root)::

    python bench/distributed.py              # launches itself on 2 ranks through mpiexec
    python bench/distributed.py --repeat 30

Run by ``mpiexec`` (the script relaunches itself with ``--worker`` under the launcher's
environment, ``funtorch.distributed.run.launch_env``: one BLAS thread per rank), it
measures on 2 ranks:

1. averaging a float32 gradient tree of about 4 MB (a 6-leaf MLP-shaped tree):
   ``average_gradients`` in one 25 MB bucket and in 1 MB buckets, one allreduce per
   leaf, against one ``Allreduce`` of a flat buffer of the same size (MPI's blocking call
   and the group's own);
2. weak scaling of the ``mlp`` workload's step (784-512-512-10, batch 128 per rank,
   float32; jitted ``value_and_grad`` + SGD): rank 0 alone (rank 1 asleep) against both
   ranks with gradient averaging, interleaved sample by sample in one run; beside it, two
   floors that no implementation can beat on the same machine at the same moment: both
   ranks stepping without communicating (what sharing the cores costs: the slower rank's
   time, as a job steps at its slowest rank's pace) and both ranks
   stepping plus one blocking MPI ``Allreduce`` of a preflattened buffer of the
   gradients' size (what MPI itself costs, no copies);
3. the cost of ``FUNTORCH_DISTRIBUTED_DEBUG`` on that 2-rank step.

Every sample is the time per call from the ranks lining up (a barrier that sleeps: an
idle rank takes no core) until every rank has finished, on rank 0's clock. Cases are
interleaved round by round; ratios are the median over rounds of the ratio within a round
(load from elsewhere hits both alike), reported beside the ratio of medians. Rank 0 prints a Markdown table, the
load average before and after, and the issue's targets.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

FLAT = "MPI Allreduce, flat buffer (blocking)"
BUCKETED = "average_gradients, 25 MB buckets"
ONE, TWO = "1 rank (rank 1 asleep)", "2 ranks + average_gradients"
DEBUG = "2 ranks + average_gradients, debug mode"
VIA_MPI = ", through MPI's Iallreduce (FUNTORCH_DISTRIBUTED_SHM=0)"
TREE_SHAPES = [(1024, 768), (768,), (768, 256), (256,), (256, 128), (128,)]  # ~3.9 MiB f32


def line_up(group, spin=False):
    """A barrier that sleeps while it waits (unless ``spin``), so that a rank with nothing
    to do leaves the cores to the others (the group's own barrier spins for a while)."""
    request = group.comm.Ibarrier()
    while not request.Test():
        if not spin:
            time.sleep(2e-4)


def timed(fn, group, calls):
    """Seconds per call of ``fn``, on rank 0's clock, from the ranks lining up until every
    rank has finished its calls (a job steps at its slowest rank's pace)."""
    line_up(group)
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    line_up(group, spin=group.rank == 0)  # (a rank that arrived first has sent its part)
    return (time.perf_counter() - start) / calls


def sample(cases, group, repeat, calls):
    """Seconds per call of every case, one list of ``repeat`` samples each, interleaving
    the cases round by round so that load from elsewhere hits them alike."""
    times = {name: [] for name in cases}
    for _ in range(repeat):
        for name, fn in cases.items():
            times[name].append(timed(fn, group, calls))
    return times


def ratio(times, name, reference):
    """``(median of per-round ratios, ratio of medians)`` of ``name`` to ``reference``."""
    paired = statistics.median(a / b for a, b in zip(times[name], times[reference]))
    return paired, statistics.median(times[name]) / statistics.median(times[reference])


def averaging_cases(group, dist, ft):
    rng = np.random.default_rng(0)
    tree = {f"g{i}": ft.asarray(rng.standard_normal(shape).astype(np.float32))
            for i, shape in enumerate(TREE_SHAPES)}
    flat = np.concatenate([leaf.numpy().ravel() for leaf in tree.values()])
    out = np.empty_like(flat)
    from mpi4py import MPI

    hosts = [leaf.numpy() for leaf in tree.values()]
    return flat.nbytes, {
        FLAT: lambda: group.comm.Allreduce(flat, out, MPI.SUM),
        "group.allreduce, flat buffer (with deadline)": lambda: group.allreduce(flat, "sum"),
        BUCKETED: lambda: dist.average_gradients(tree),
        "average_gradients, 1 MB buckets": lambda: dist.average_gradients(tree, 1),
        BUCKETED + VIA_MPI: via_mpi(group, lambda: dist.average_gradients(tree)),
        "one allreduce per leaf": lambda: [group.allreduce(h, "mean") for h in hosts],
    }


def via_mpi(group, fn):
    """``fn`` with buckets reduced by MPI's allreduce (as with FUNTORCH_DISTRIBUTED_SHM=0)
    instead of through shared memory."""
    def call():
        node, group.node = group.node, None
        try:
            fn()
        finally:
            group.node = node
    return call


def mlp_step(ft, dist, group, average):
    """One training step; ``average``: None (local gradients), "ft" (average_gradients)
    or "mpi" (local gradients plus a blocking MPI Allreduce of a same-size flat buffer)."""
    from mpi4py import MPI
    from workloads.mlp import LR, funtorch_loss, make_data

    params, x, onehot = make_data(seed=0)
    _, x, onehot = make_data(seed=1 + group.rank)  # each rank its own batch of 128
    state = {"params": {k: ft.asarray(v) for k, v in params.items()}}
    data = (ft.asarray(x), ft.asarray(onehot))
    grad_fn = ft.jit(ft.value_and_grad(funtorch_loss))
    sgd = ft.jit(lambda p, g: ft.tree.map(lambda a, b: a - LR * b, p, g))
    flat = np.zeros(sum(v.size for v in params.values()), np.float32)

    def step():
        loss, grads = grad_fn(state["params"], *data)
        if average == "ft":
            grads = dist.average_gradients(grads)
        elif average == "mpi":
            group.comm.Allreduce(MPI.IN_PLACE, flat, MPI.SUM)
        state["params"] = sgd(state["params"], grads)
    return step


def worker(args):
    import funtorch as ft
    import funtorch.distributed as dist

    load_before = os.getloadavg()
    group = dist.init(timeout=600)
    nbytes, cases = averaging_cases(group, dist, ft)
    averaging = sample(cases, group, args.repeat, 10)
    alone, together = mlp_step(ft, dist, group, None), mlp_step(ft, dist, group, "ft")

    def one_rank():  # rank 1 sleeps in the next sample's barrier meanwhile
        if group.rank == 0:
            alone()

    def debug_step():
        group.debug = True
        together()
        group.debug = False

    cases = {ONE: one_rank, "2 ranks, no communication (floor: shared cores)":
             mlp_step(ft, dist, group, None),
             "2 ranks + blocking MPI Allreduce of a flat buffer (floor: MPI)":
             mlp_step(ft, dist, group, "mpi"),
             TWO: together, TWO + VIA_MPI: via_mpi(group, together), DEBUG: debug_step}
    for fn in cases.values():
        fn()  # compile the jitted functions before timing
    steps = sample(cases, group, args.repeat, 5)
    if group.rank == 0:
        report(nbytes, averaging, steps, (load_before, os.getloadavg()),
               group.node is not None)
    dist.shutdown()


def table(times, reference):
    print("| case | median ms | min ms | vs first row: per round, of medians |")
    print("|---|---:|---:|---:|")
    for name, values in times.items():
        paired, of_medians = ratio(times, name, reference)
        print(f"| {name} | {statistics.median(values) * 1e3:.3f} | {min(values) * 1e3:.3f} | "
              f"{paired:.2f}x, {of_medians:.2f}x |")


def report(nbytes, averaging, steps, loads, node_used):
    from mpi4py import MPI

    print(f"load average (1, 5, 15 min) before {loads[0][0]:.2f} {loads[0][1]:.2f} "
          f"{loads[0][2]:.2f}, after {loads[1][0]:.2f} {loads[1][1]:.2f} {loads[1][2]:.2f}; "
          f"{os.cpu_count()} cores; {MPI.Get_library_version().splitlines()[0]}; "
          f"IALLREDUCE algorithm: "
          f"{os.environ.get('MPIR_CVAR_IALLREDUCE_INTRA_ALGORITHM', 'auto')}; buckets "
          f"summed through shared memory: {node_used}\n")
    print(f"gradient averaging of a {nbytes / 2**20:.2f} MiB float32 tree "
          f"({len(TREE_SHAPES)} leaves), 2 ranks\n")
    table(averaging, FLAT)
    print("\nmlp step (784-512-512-10, batch 128 per rank, float32)\n")
    table(steps, ONE)
    bucketed, scaling = ratio(averaging, BUCKETED, FLAT), ratio(steps, TWO, ONE)
    debug = ratio(steps, DEBUG, TWO)
    print(f"\ntargets (per round, of medians): bucketed averaging {bucketed[0]:.2f}x, "
          f"{bucketed[1]:.2f}x flat Allreduce (<= 1.2x); 2-rank step {scaling[0]:.2f}x, "
          f"{scaling[1]:.2f}x the 1-rank step (<= 1.18x); debug mode "
          f"{(debug[0] - 1) * 100:+.1f}%, {(debug[1] - 1) * 100:+.1f}% per step (<= 10%)")


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
    return subprocess.call(command, env=launch_env(nprocs=2))


if __name__ == "__main__":
    sys.exit(main())
