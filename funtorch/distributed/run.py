"""``python -m funtorch.distributed.run -n 2 script.py [args...]``: launch a script on N
ranks through MPI's own launcher, ``mpiexec``.

This is a thin wrapper: it finds ``mpiexec`` (``FUNTORCH_MPIEXEC`` overrides the one on
``PATH``), runs ``mpiexec -n N <this python> script.py args...`` and exits with its status.
It sets, unless already set, the environment small machines need:

- one BLAS/OpenMP thread per rank (``OMP_NUM_THREADS=1`` and friends), so N ranks do not
  start N x cores threads;
- ``MPIR_CVAR_POLLS_BEFORE_YIELD=1``: MPICH's busy-wait loops yield the core at once, so
  more ranks than cores (``-n 4`` on 2 cores) still make progress (MPICH's launcher allows
  oversubscription by default; funtorch's own collectives poll with sleeps anyway);
- for a few ranks (``-n 4`` or fewer), ``MPIR_CVAR_IALLREDUCE_INTRA_ALGORITHM=
  sched_recursive_doubling``: MPICH's non-blocking allreduce (what every funtorch
  allreduce is) then makes one exchange of the whole buffer per doubling step instead of
  a reduce-scatter and an allgather: half the round trips, each of which waits for the
  other rank to be scheduled on a loaded machine (measured on 2 ranks, 2.7 MB, load 7:
  7-8 ms instead of 8-9 ms from the later rank's arrival; the same bits on every rank,
  as every rank adds the same partial sums);
- ``PYTHONPATH`` starts with the folder holding this ``funtorch``, so the ranks import the
  same copy as the launcher (also from a source checkout);
- ``--debug`` sets ``FUNTORCH_DISTRIBUTED_DEBUG=1`` (collective signature checks).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys

__all__ = ["launch_command", "launch_env", "main"]

SMALL_MACHINE_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "MPIR_CVAR_POLLS_BEFORE_YIELD": "1",
}
FEW_RANKS = 4
FEW_RANKS_ENV = {"MPIR_CVAR_IALLREDUCE_INTRA_ALGORITHM": "sched_recursive_doubling"}
_NO_MPIEXEC = ("funtorch.distributed.run: `mpiexec` was not found on PATH. Install an MPI with "
               "`pip install mpi4py mpich` (the mpich wheel provides mpiexec), load your "
               "cluster's MPI module, or set FUNTORCH_MPIEXEC to the launcher's path.")


def find_mpiexec():
    """The launcher: ``$FUNTORCH_MPIEXEC``, else ``mpiexec`` on PATH, else None."""
    override = os.environ.get("FUNTORCH_MPIEXEC")
    if override:
        return override
    return shutil.which("mpiexec")


def launch_env(base=None, debug=False, nprocs=None):
    """``base`` (default ``os.environ``) plus the small-machine defaults it does not set
    (and, for ``nprocs`` <= 4 ranks, the few-ranks allreduce algorithm).

    Example:
        >>> launch_env({"OMP_NUM_THREADS": "4"})["OMP_NUM_THREADS"]
        '4'
    """
    env = dict(os.environ if base is None else base)
    defaults = dict(SMALL_MACHINE_ENV)
    if nprocs is not None and nprocs <= FEW_RANKS:
        defaults.update(FEW_RANKS_ENV)
    for name, value in defaults.items():
        env.setdefault(name, value)
    if debug:
        env["FUNTORCH_DISTRIBUTED_DEBUG"] = "1"
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if root not in paths:  # the ranks import the funtorch this launcher ran from
        env["PYTHONPATH"] = os.pathsep.join([root, *paths])
    return env


def launch_command(nprocs, target, args=(), module=False, mpiexec="mpiexec"):
    """The ``mpiexec`` command line that runs ``target`` on ``nprocs`` ranks.

    Example:
        >>> launch_command(2, "train.py", ["--smoke"])[:3]
        ['mpiexec', '-n', '2']
    """
    program = ["-m", target] if module else [target]
    return [mpiexec, "-n", str(nprocs), sys.executable, *program, *args]


def _parse(argv):
    parser = argparse.ArgumentParser(
        prog="python -m funtorch.distributed.run",
        description="Run a Python script on N ranks with mpiexec (one BLAS thread each).")
    parser.add_argument("-n", "--nproc", type=int, default=2, help="number of ranks (2)")
    parser.add_argument("-m", dest="module", action="store_true",
                        help="run the target as a module (python -m target)")
    parser.add_argument("--debug", action="store_true",
                        help="set FUNTORCH_DISTRIBUTED_DEBUG=1 (collective signature checks)")
    parser.add_argument("target", help="the script (or module with -m)")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the script's arguments")
    options = parser.parse_args(argv)
    if options.nproc < 1:
        parser.error(f"-n must be >= 1, got {options.nproc}")
    return options


def main(argv=None) -> int:
    """Launch; return ``mpiexec``'s exit status (2 with a message when it is missing)."""
    options = _parse(sys.argv[1:] if argv is None else argv)
    mpiexec = find_mpiexec()
    if mpiexec is None:
        sys.stderr.write(_NO_MPIEXEC + "\n")
        return 2
    command = launch_command(options.nproc, options.target, options.args, options.module,
                             mpiexec)
    try:
        return subprocess.call(command, env=launch_env(debug=options.debug,
                                                       nprocs=options.nproc))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
