"""The launcher: its command line, its environment, and its message without mpiexec."""

import os
import sys

import pytest

from funtorch.distributed import run


def test_command_runs_this_python_on_n_ranks():
    assert run.launch_command(3, "train.py", ["--smoke"], mpiexec="/x/mpiexec") == [
        "/x/mpiexec", "-n", "3", sys.executable, "train.py", "--smoke"]
    assert run.launch_command(2, "pkg.train", module=True)[-2:] == ["-m", "pkg.train"]


def test_environment_sets_small_machine_defaults_without_overriding_the_user():
    env = run.launch_env({"OMP_NUM_THREADS": "4", "PYTHONPATH": "/elsewhere"}, debug=True)
    assert env["OMP_NUM_THREADS"] == "4" and env["OPENBLAS_NUM_THREADS"] == "1"
    assert env["MPIR_CVAR_POLLS_BEFORE_YIELD"] == "1"
    assert env["FUNTORCH_DISTRIBUTED_DEBUG"] == "1"
    first, rest = env["PYTHONPATH"].split(os.pathsep)
    assert os.path.isdir(os.path.join(first, "funtorch")) and rest == "/elsewhere"


@pytest.mark.parametrize("nprocs, few", [(None, False), (2, True), (4, True), (8, False)])
def test_a_few_ranks_get_the_recursive_doubling_allreduce(nprocs, few):
    name = "MPIR_CVAR_IALLREDUCE_INTRA_ALGORITHM"
    env = run.launch_env({}, nprocs=nprocs)
    assert (env.get(name) == "sched_recursive_doubling") is few
    assert run.launch_env({name: "auto"}, nprocs=2)[name] == "auto"  # the user's wins


def test_missing_mpiexec_is_reported_with_the_fix(monkeypatch, capsys):
    monkeypatch.delenv("FUNTORCH_MPIEXEC", raising=False)
    monkeypatch.setattr(run.shutil, "which", lambda name: None)
    assert run.main(["-n", "2", "train.py"]) == 2
    err = capsys.readouterr().err
    assert "`mpiexec` was not found on PATH" in err and "pip install mpi4py mpich" in err


def test_bad_rank_count_is_a_usage_error():
    with pytest.raises(SystemExit):
        run.main(["-n", "0", "train.py"])


def test_the_scripts_own_options_pass_through():
    options = run._parse(["-n", "3", "train.py", "--epochs", "3", "-n", "5"])
    assert (options.nproc, options.target, options.args) == (3, "train.py",
                                                             ["--epochs", "3", "-n", "5"])
