"""Datasets and functions for the ft.data tests, at module level so that worker processes
started with "spawn" can unpickle them (imported as ``data.helpers``)."""

import os
import time

import numpy as np

import funtorch as ft


class Range(ft.data.Dataset):
    """``ds[i] == i`` for ``i < n``."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        return index


class Pairs(ft.data.Dataset):
    """``(float32 row of 3, int label)`` samples."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        return np.full(3, index, np.float32), index % 3


class Slow(Range):
    """Sleeps ``delay`` seconds in every ``__getitem__``."""

    def __init__(self, n, delay):
        super().__init__(n)
        self.delay = delay

    def __getitem__(self, index):
        time.sleep(self.delay)
        return index


class Failing(Range):
    """Raises ValueError at sample ``bad``."""

    def __init__(self, n, bad):
        super().__init__(n)
        self.bad = bad

    def __getitem__(self, index):
        if index == self.bad:
            raise ValueError(f"bad sample {index}")
        return index


class Dying(Range):
    """Kills its worker process (no exception, no cleanup) at sample ``bad``."""

    def __init__(self, n, bad):
        super().__init__(n)
        self.bad = bad

    def __getitem__(self, index):
        if index == self.bad and ft.data.get_worker_info() is not None:
            os._exit(3)
        return index


class WorkerTagged(Range):
    """Samples ``(index, worker id, worker seed)``."""

    def __getitem__(self, index):
        info = ft.data.get_worker_info()
        return index, info.id, info.seed


class ShardedStream(ft.data.IterableDataset):
    """``range(n)``, split between workers by ``get_worker_info``."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __iter__(self):
        info = ft.data.get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


def record_init(worker_id):
    """A worker_init_fn that leaves a trace in the worker's dataset."""
    ft.data.get_worker_info().dataset.initialized_by = worker_id


class InitChecked(Range):
    def __getitem__(self, index):
        return getattr(self, "initialized_by", -1)


def square(x):
    """A picklable function for process-backed Pipeline.map."""
    return x * x


def failing_init(worker_id):
    """A worker_init_fn that fails in worker 1."""
    if worker_id == 1:
        raise OSError("cannot open the shard")
