"""What runs inside a DataLoader worker process, and what it sends back.

Messages (main -> worker, on the worker's own queue): ``("fetch", gen, idx, task)``,
``("reset", gen)`` (restart an iterable dataset), and ``None`` (exit). Results (worker ->
main, on the shared queue): ``(gen, idx, payload)`` where ``payload`` is the pickled
batch, an :class:`WorkerError`, or :class:`IterableEnd`. Batches are pickled here, in the
worker, so an unpicklable batch becomes an error message instead of being dropped by the
queue's feeder thread (which would leave the main process waiting).
"""

from __future__ import annotations

import os
import pickle
import queue
import random
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

import funtorch as ft
from funtorch.data.fetch import IterableFetcher, MapFetcher

__all__ = ["WorkerInfo", "get_worker_info"]

POLL_INTERVAL = 0.5  # seconds between checks that the main process is still alive
PARENT_CHECK = 0.5   # the watch thread's timeout (it wakes at once when the parent dies)


@dataclass(frozen=True)
class WorkerInfo:
    """What :func:`get_worker_info` returns inside a worker process.

    Attributes:
        id: this worker's index in ``range(num_workers)``.
        num_workers: the number of workers of the DataLoader.
        seed: this worker's seed (``base_seed + id``); ``random``, NumPy's global state
            and ``ft.manual_seed`` are already seeded with it.
        dataset: this worker's copy of the dataset.

    Example:
        >>> ft.data.get_worker_info() is None  # in the main process
        True
        >>> ft.data.WorkerInfo(id=0, num_workers=2, seed=7, dataset=[1.0]).num_workers
        2
    """

    id: int
    num_workers: int
    seed: int
    dataset: Any


_worker_info: WorkerInfo | None = None  # set once per worker process, never in the main one


def get_worker_info() -> WorkerInfo | None:
    """The :class:`WorkerInfo` of the current DataLoader worker, or None in the main process.

    Use it in ``IterableDataset.__iter__`` or ``worker_init_fn`` to split the work.

    Returns:
        The worker's ``WorkerInfo`` (``id``, ``num_workers``, ``seed``, ``dataset``), set
        once when the worker process starts; None outside a worker.

    Example:
        >>> ft.data.get_worker_info() is None  # in the main process
        True
    """
    return _worker_info


class _KeyErrorMessage(str):
    """A str whose repr is itself, so a re-raised KeyError shows the traceback readably."""

    def __repr__(self):
        return self


class WorkerError:
    """An exception raised in a worker: its type, where it happened and its traceback."""

    def __init__(self, exc_type, where, text):
        self.exc_type = exc_type
        self.where = where
        self.text = text

    @classmethod
    def capture(cls, where):
        import traceback  # (here: ~2 ms of import funtorch, for a failing worker only)

        exc_type, exc, tb = sys.exc_info()
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        try:
            pickle.dumps(exc_type)
        except Exception:  # a local exception class cannot cross processes
            exc_type = RuntimeError
        return cls(exc_type, where, text)

    def message(self):
        return (f"Caught {self.exc_type.__name__} {self.where}.\n"
                f"Original {self.text}")

    def reraise(self):
        """Raise the worker's exception type with the message (RuntimeError if it can't)."""
        message = self.message()
        if self.exc_type is KeyError:
            message = _KeyErrorMessage(message)
        try:
            exc = self.exc_type(message)
        except Exception:
            raise RuntimeError(message) from None
        try:
            raise exc
        finally:
            # This frame is in exc's traceback: keeping exc here would make a cycle that
            # holds the iterator (and its workers) until the cyclic GC runs.
            del exc


class IterableEnd:
    """A worker's iterable dataset is exhausted (for this epoch)."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


@dataclass
class WorkerConfig:
    """Everything a worker needs, pickled once when the process starts."""

    dataset: Any
    iterable: bool
    auto_collation: bool
    collate_fn: Any
    batch_size: int | None
    drop_last: bool
    worker_init_fn: Any
    num_workers: int
    base_seed: int


def _seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed % 2**32)
    ft.manual_seed(seed)


def _make_fetcher(config):
    if config.iterable:
        return IterableFetcher(config.dataset, config.auto_collation, config.collate_fn,
                               config.batch_size, config.drop_last)
    return MapFetcher(config.dataset, config.auto_collation, config.collate_fn)


def _run_task(fetcher, task, worker_id):
    try:
        batch = fetcher.fetch(task)
    except StopIteration:
        return IterableEnd(worker_id)
    except Exception:
        return WorkerError.capture(f"in DataLoader worker process {worker_id} while loading "
                                   f"{fetcher.failed or 'a batch'}")
    try:
        return pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return WorkerError.capture(f"in DataLoader worker process {worker_id} while sending "
                                   f"the batch of {task} to the main process (the batch must "
                                   "be picklable)")


def _exit_with_parent(result_queue):
    """Watch the main process from a daemon thread and end this worker the moment it is
    gone (SIGKILL, SIGTERM, a crash), whatever the worker is doing: loading a slow
    sample, or blocked writing a batch larger than the pipe buffer that nobody reads."""
    import multiprocessing.connection  # (in the worker: ~4 ms of import funtorch otherwise)

    parent = multiprocessing.parent_process()
    parent_pid = os.getppid()
    sentinel = getattr(parent, "sentinel", None)

    def watch():
        while True:
            ready = True
            if sentinel is not None:
                try:
                    ready = bool(multiprocessing.connection.wait([sentinel], PARENT_CHECK))
                except OSError:
                    pass
            if os.getppid() != parent_pid or (parent is not None and not parent.is_alive()):
                result_queue.cancel_join_thread()
                os._exit(0)
            if ready:  # no sentinel (or a spurious wake-up): poll
                time.sleep(PARENT_CHECK)
    threading.Thread(target=watch, name="funtorch-parent-watch", daemon=True).start()


def _serve(config, worker_id, fetcher, init_error, index_queue, result_queue, done_event):
    import multiprocessing

    parent = multiprocessing.parent_process()
    ended = False  # an iterable dataset answers IterableEnd until the next reset
    while True:
        try:
            message = index_queue.get(timeout=POLL_INTERVAL)
        except queue.Empty:
            if parent is not None and not parent.is_alive():
                result_queue.cancel_join_thread()  # nobody will read what is in flight
                return
            continue
        if message is None:
            return
        if done_event.is_set():
            continue
        if message[0] == "reset":
            fetcher.reset()
            ended = False
            continue
        _, gen, idx, task = message
        if init_error is not None:
            payload = init_error
        elif ended:
            payload = IterableEnd(worker_id)
        else:
            payload = _run_task(fetcher, task, worker_id)
            ended = isinstance(payload, IterableEnd)
        result_queue.put((gen, idx, payload))


def worker_loop(config, worker_id, index_queue, result_queue, done_event):
    """The target of each worker process: seed, run ``worker_init_fn``, serve tasks."""
    global _worker_info
    _exit_with_parent(result_queue)
    seed = config.base_seed + worker_id
    _seed_everything(seed)
    _worker_info = WorkerInfo(worker_id, config.num_workers, seed, config.dataset)
    init_error, fetcher = None, None
    try:
        if config.worker_init_fn is not None:
            config.worker_init_fn(worker_id)
        fetcher = _make_fetcher(config)
    except Exception:
        init_error = WorkerError.capture(f"in DataLoader worker process {worker_id} "
                                         "(in worker_init_fn)")
    try:
        _serve(config, worker_id, fetcher, init_error, index_queue, result_queue, done_event)
    except KeyboardInterrupt:
        pass  # the main process gets the KeyboardInterrupt too and shuts the workers down
    if done_event.is_set():
        # Exit now even if results are still in flight: the main process no longer reads.
        result_queue.cancel_join_thread()
    result_queue.close()
