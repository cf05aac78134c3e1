"""Multi-process tests: ``mpiexec -n 2`` and ``-n 3`` run ``mpi_checks.py`` (collectives
against the oracle, DDP of an MLP and a CNN against one process on the concatenated batch,
bitwise equal across ranks and across runs, the functional helpers, the sampler); each way
a job could hang is launched once and must end the job, with the rank and reason, in
under 60 s."""

import pytest



pytestmark = pytest.mark.mpi

CHECK_LINES = ["group collectives", "torch and JAX collectives", "ddp mlp", "ddp cnn",
               "no_sync accumulation", "functional helpers", "sampler and loader",
               "shared-memory sums", "mismatch and timeout raise"]


@pytest.mark.parametrize("nprocs", [2, 3])
def test_every_check_passes_on_n_ranks(run_mpi, nprocs):
    result = run_mpi(nprocs, "mpi_checks.py")
    assert result.returncode == 0, result.stdout + result.stderr
    for line in CHECK_LINES:
        assert f"CHECK {line} ok" in result.stdout, result.stdout + result.stderr


HANG_CASES = [
    ("raise", {}, ["[rank 1] ValueError: boom from rank 1", "MPI_Abort",
                   "rank 1 of 2 raised an uncaught exception"]),
    ("skip", {}, ["[rank 0] funtorch.distributed._errors.DistributedTimeoutError: "
                  "allreduce(op='sum'): rank 0 of 2", "waited 2 s"]),
    ("skip_average", {}, ["[rank 0] funtorch.distributed._errors.DistributedTimeoutError: "
                          "allreduce(op='sum') (shared memory): rank 0 of 2", "waited 2 s"]),
    ("mismatch", {"FUNTORCH_DISTRIBUTED_DEBUG": "1"},
     ["CollectiveMismatchError: allreduce", "rank 0: allreduce(op=sum) shape=(3,)",
      "rank 1: allreduce(op=sum) shape=(4,)", "ranks that differ from rank 0: [1]"]),
]


@pytest.mark.parametrize("case, env, expected", HANG_CASES, ids=[c[0] for c in HANG_CASES])
def test_a_job_that_would_hang_ends_with_the_reason(run_mpi, case, env, expected):
    result = run_mpi(2, "mpi_hang_cases.py", case, env=env, timeout=60)
    assert result.returncode != 0, result.stdout + result.stderr
    assert result.elapsed < 60
    assert "did not end the job" not in result.stdout
    for text in expected:
        assert text in result.stderr, result.stderr
