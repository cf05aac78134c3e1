"""The ``mpi`` marker and ``run_mpi``: multi-process tests launch ``mpiexec -n N`` as a
subprocess and are skipped, saying why, when mpiexec or mpi4py is missing."""

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

import pytest

from funtorch.distributed.run import find_mpiexec, launch_env

HERE = Path(__file__).resolve().parent
MPIEXEC = find_mpiexec()
MISSING = ("mpiexec not found on PATH" if MPIEXEC is None else
           "mpi4py not installed" if importlib.util.find_spec("mpi4py") is None else None)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "mpi: launches mpiexec (skipped with the reason when mpiexec or mpi4py "
                   "is missing; pip install mpi4py mpich)")


def pytest_collection_modifyitems(config, items):
    if MISSING is None:
        return
    skip = pytest.mark.skip(reason=f"multi-process test needs MPI: {MISSING} "
                                   "(pip install mpi4py mpich)")
    for item in items:
        if "mpi" in item.keywords:
            item.add_marker(skip)


def _run_mpi(nprocs, script, *args, timeout=90, env=None):
    """Run ``tests/distributed/<script>`` on ``nprocs`` ranks; return the completed process
    with ``.elapsed`` (seconds). Hydra's MPIEXEC_TIMEOUT is the backstop against a hang."""
    environment = launch_env({**launch_env(nprocs=nprocs), **(env or {})})
    environment.setdefault("MPIEXEC_TIMEOUT", str(timeout))
    command = [MPIEXEC, "-n", str(nprocs), sys.executable, str(HERE / script), *args]
    start = time.perf_counter()
    result = subprocess.run(command, env=environment, capture_output=True, text=True,
                            timeout=timeout + 30)
    result.elapsed = time.perf_counter() - start
    return result


@pytest.fixture
def run_mpi():
    """``run_mpi(nprocs, script, *args, timeout=90, env=None)`` (see :func:`_run_mpi`)."""
    return _run_mpi
