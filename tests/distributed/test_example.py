"""examples/distributed_data_parallel.py on 2 ranks prints what it prints in 1 process."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from funtorch.distributed.run import find_mpiexec, launch_env

pytestmark = pytest.mark.mpi
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "distributed_data_parallel.py"


def _start(prefix, out):
    command = [*prefix, sys.executable, str(EXAMPLE), "--smoke", "--out", str(out)]
    return subprocess.Popen(command, env=launch_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_two_ranks_match_one_process(tmp_path):
    runs = [_start([], tmp_path / "one"), _start([find_mpiexec(), "-n", "2"], tmp_path / "two")]
    outputs = [run.communicate(timeout=120) for run in runs]
    for run, (out, err) in zip(runs, outputs):
        assert run.returncode == 0, out + err
    found = [re.search(r"final train loss (\S+)\n.*final test accuracy (\S+)", out, re.S)
             for out, _ in outputs]
    assert found[0] and found[1], outputs
    assert found[0].groups() == found[1].groups()
    assert "1 rank(s) x 64" in outputs[0][0] and "2 rank(s) x 32" in outputs[1][0]
    assert (tmp_path / "two" / "distributed_data_parallel.ft").is_file()
