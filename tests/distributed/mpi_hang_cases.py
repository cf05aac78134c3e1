"""Run under ``mpiexec -n 2``: the ways a job could hang, each of which must end the job.

- ``raise``: rank 1 raises while rank 0 waits in a barrier -> MPI_Abort from the hook;
- ``skip``: rank 1 never joins an allreduce -> rank 0 times out -> MPI_Abort;
- ``skip_average``: the same for ``average_gradients`` (shared-memory buckets: rank 0
  waits at the meeting) -> rank 0 times out -> MPI_Abort;
- ``mismatch``: with FUNTORCH_DISTRIBUTED_DEBUG=1 the ranks pass different shapes -> every
  rank raises CollectiveMismatchError -> MPI_Abort.
"""

import sys
import time

import numpy as np

import funtorch.distributed as dist


def main(case):
    group = dist.init(timeout=2.0 if case.startswith("skip") else 60.0)
    if case == "raise":
        if group.rank == 1:
            raise ValueError("boom from rank 1")
        group.barrier()
    elif case == "skip":
        if group.rank == 1:
            time.sleep(120)  # stuck elsewhere, never joins
        group.allreduce(np.ones(2), "sum")
    elif case == "skip_average":
        dist.average_gradients({"w": np.ones(3)})  # every rank: the bucket's window exists
        if group.rank == 1:
            time.sleep(120)
        dist.average_gradients({"w": np.ones(3)})
    elif case == "mismatch":
        group.allreduce(np.ones(3 if group.rank == 0 else 4), "sum")
    print(f"rank {group.rank}: the {case!r} case did not end the job", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
