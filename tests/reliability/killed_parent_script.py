"""The main process of test_killed_parent.py: a DataLoader with workers whose batches are
larger than a pipe buffer; prints the worker pids, then waits to be killed."""

import sys
import time

import numpy as np

import funtorch as ft


class BigSamples(ft.data.Dataset):
    def __len__(self):
        return 64

    def __getitem__(self, index):
        return np.full((256, 1024), index, dtype=np.float32)  # 1 MiB per sample


def main(persistent):
    loader = ft.data.DataLoader(BigSamples(), batch_size=2, num_workers=1,
                                persistent_workers=persistent == "persistent")
    iterator = iter(loader)
    next(iterator)
    print(" ".join(str(pid) for pid in iterator._source.worker_pids), flush=True)
    time.sleep(600)  # the workers fill the result pipe meanwhile; the test kills us


if __name__ == "__main__":
    main(sys.argv[1])
