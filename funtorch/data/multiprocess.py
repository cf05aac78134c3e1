"""Loading batches in worker processes (``num_workers > 0``): the pool and its source."""

from __future__ import annotations

import itertools
import pickle
import queue
import time
import weakref

from funtorch.data.iterators import open_indices
from funtorch.data.worker import IterableEnd, WorkerConfig, WorkerError, worker_loop

POLL_INTERVAL = 0.2  # seconds between liveness checks while waiting for a batch
JOIN_TIMEOUT = 5.0   # seconds a worker gets to exit cleanly before it is terminated

WORKER_DIED_MSG = ("DataLoader worker (pid(s) {pids}) exited unexpectedly ({codes}). A worker "
                   "that is killed (out of memory, a signal, os._exit in the dataset) cannot "
                   "report an error; rerun with num_workers=0 to see the failure in the main "
                   "process. A worker that dies as it starts often means a script without an "
                   "`if __name__ == '__main__':` guard (workers are started with {method!r}, "
                   "which imports the main module again); its traceback is on stderr.")
TIMEOUT_MSG = "DataLoader timed out after {} seconds"
PICKLE_MSG = ("DataLoader(num_workers={n}) sends the dataset, collate_fn and worker_init_fn to "
              "worker processes started with {method!r}, so they must be picklable: {exc}. "
              "Define them at module level (not as lambdas or local classes), or use "
              "num_workers=0.")


def _exit_codes(processes):
    return ", ".join(f"exit code {p.exitcode}" if p.exitcode is None or p.exitcode >= 0
                     else f"killed by signal {-p.exitcode}" for p in processes)


# NOTE [worker shutdown]
# Workers must never outlive their iterator, never hang the main process and never be
# left as zombies, whichever way the iterator ends: exhausted (without persistent workers),
# closed, garbage-collected after a `break`, an error in the main process, or interpreter
# exit. `_shutdown` below is the only way workers stop; it is a `weakref.finalize` of the
# pool, so it runs exactly once, on `close()`, on collection, or at exit, and it holds no
# reference to the pool or to the iterator.
#   1. Set `done_event`: a worker stops loading and skips any task still queued for it.
#   2. Send `None` on every index queue: a worker's loop returns when it reads it.
#   3. A worker that exits with `done_event` set calls `cancel_join_thread` on the result
#      queue, so it does not wait to flush results the main process will never read (its
#      feeder thread could otherwise block on a full pipe forever).
#   4. Join every worker within `JOIN_TIMEOUT` in total; `terminate` (SIGTERM) the ones
#      still alive, e.g. stuck in a slow `__getitem__`, and join them (this reaps them).
#   5. Index queues were created with `cancel_join_thread`, so the main process never
#      blocks at exit on a pipe to a dead worker; all queues are then closed.
# The other direction: a daemon thread in each worker waits on its parent's sentinel and
# calls `os._exit` the moment the main process is gone (SIGKILL, SIGTERM, a crash),
# whatever the worker is doing (loading, or blocked on a full result pipe), so killing
# the main process leaves no orphans. While waiting for a batch the main process checks
# every `POLL_INTERVAL` seconds whether a worker has died and raises RuntimeError if so.
# Nothing forms a reference cycle with the pool: a persistent loader holds its source but
# only a weak reference to its iterator, the source holds the loader weakly, and a
# re-raised worker error drops its own frame's reference, so `del` or dropping an
# iterator after an error shuts the workers down at once, not at the next cyclic GC.
def _shutdown(processes, index_queues, result_queue, done_event):
    done_event.set()
    for index_queue in index_queues:
        try:
            index_queue.put(None)
        except (OSError, ValueError):
            pass
    deadline = time.monotonic() + JOIN_TIMEOUT
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.terminate()
            process.join(JOIN_TIMEOUT)
        if process.is_alive():
            process.kill()
            process.join()
    for index_queue in index_queues:
        index_queue.close()
    result_queue.close()


class WorkerPool:
    """``num_workers`` processes, one index queue each, and one shared result queue."""

    def __init__(self, config, num_workers, context):
        self.processes = []
        self.index_queues = []
        self.result_queue = context.Queue()
        self.done_event = context.Event()
        self.start_method = context.get_start_method()
        self._finalizer = weakref.finalize(self, _shutdown, self.processes, self.index_queues,
                                           self.result_queue, self.done_event)
        for worker_id in range(num_workers):
            index_queue = context.Queue()
            index_queue.cancel_join_thread()
            process = context.Process(target=worker_loop, name=f"funtorch-data-{worker_id}",
                                      args=(config, worker_id, index_queue, self.result_queue,
                                            self.done_event), daemon=True)
            self._start(process, num_workers, context)
            self.index_queues.append(index_queue)
            self.processes.append(process)

    def _start(self, process, num_workers, context):
        try:
            process.start()
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            self.shutdown()
            raise TypeError(PICKLE_MSG.format(n=num_workers, method=self.start_method,
                                              exc=exc)) from exc
        except BaseException:
            self.shutdown()
            raise

    @property
    def pids(self):
        return [p.pid for p in self.processes]

    def send(self, worker_id, message):
        self.index_queues[worker_id].put(message)

    def get(self, timeout):
        """The next ``(gen, idx, payload)``; RuntimeError when a worker died or on timeout."""
        deadline = time.monotonic() + timeout if timeout else None
        while True:
            wait = POLL_INTERVAL if deadline is None else max(
                0.0, min(POLL_INTERVAL, deadline - time.monotonic()))
            try:
                return self.result_queue.get(timeout=wait)
            except queue.Empty:
                pass
            dead = [p for p in self.processes if not p.is_alive()]
            if dead:
                self.shutdown()
                raise RuntimeError(WORKER_DIED_MSG.format(
                    pids=", ".join(str(p.pid) for p in dead), codes=_exit_codes(dead),
                    method=self.start_method))
            if deadline is not None and time.monotonic() >= deadline:
                raise RuntimeError(TIMEOUT_MSG.format(timeout))

    def shutdown(self):
        self._finalizer()

    @property
    def alive(self):
        return self._finalizer.alive


class MultiProcessSource:
    """Sends index lists to workers round-robin and yields their batches in sampler order.

    At most ``prefetch_factor * num_workers`` batches are requested and not yet delivered.
    Every request carries a generation number; a new epoch or a restore bumps it, so late
    results of an abandoned epoch are recognised and dropped.
    """

    def __init__(self, loader, base_seed):
        # weak: a loader keeps its persistent workers' source; every iterator using the
        # source holds the loader itself
        self._loader = weakref.proxy(loader)
        self._num_workers = loader.num_workers
        self._prefetch = loader.prefetch_factor * loader.num_workers
        config = WorkerConfig(loader.dataset, loader.iterable, loader.auto_collation,
                              loader.collate_fn, loader.batch_size, loader.drop_last,
                              loader.worker_init_fn, loader.num_workers, base_seed)
        self._pool = WorkerPool(config, loader.num_workers, loader.multiprocessing_context)
        self._gen = 0

    @property
    def worker_pids(self):
        return self._pool.pids

    @property
    def alive(self):
        return self._pool.alive

    def start(self, state):
        """Begin an epoch (``state`` None) or resume one (results in flight are dropped)."""
        if not self._pool.alive:
            raise RuntimeError("DataLoader iterator: the workers were shut down; "
                               "create a new iterator with iter(loader)")
        self._gen += 1
        self._state = state
        self._stream = None
        self.start_snapshot = None
        self._send_idx = self._rcvd_idx = 0
        self._tasks = {}  # send index -> (worker id, sampler snapshot after that batch)
        self._results = {}  # send index -> payload received ahead of its turn
        self._active = [True] * self._num_workers
        self._cycle = itertools.cycle(range(self._num_workers))
        self._exhausted = False
        self._discard = 0
        self._finished = False
        if self._loader.iterable:
            self._discard = int(state["batches"]) if state else 0
            for worker_id in range(self._num_workers):
                self._pool.send(worker_id, ("reset", self._gen))

    def prepare(self):
        if self._stream is None and not self._loader.iterable:
            self._stream = open_indices(self._loader.index_sampler, self._state)
            self._snapshot = getattr(self._stream, "state", None)
            self.start_snapshot = None if self._snapshot is None else self._snapshot()

    def _next_worker(self):
        for _ in range(self._num_workers):
            worker_id = next(self._cycle)
            if self._active[worker_id]:
                return worker_id
        return None

    def _fill(self):
        while not self._exhausted and len(self._tasks) < self._prefetch:
            worker_id = self._next_worker()
            if worker_id is None:
                self._exhausted = True
                return
            task, snapshot = None, None
            if not self._loader.iterable:
                self.prepare()
                try:
                    task = next(self._stream)
                except StopIteration:
                    self._exhausted = True
                    return
                snapshot = None if self._snapshot is None else self._snapshot()
            self._pool.send(worker_id, ("fetch", self._gen, self._send_idx, task))
            self._tasks[self._send_idx] = (worker_id, snapshot)
            self._send_idx += 1

    def _receive(self):
        gen, idx, payload = self._pool.get(self._loader.timeout)
        if gen != self._gen or idx not in self._tasks:
            return
        if isinstance(payload, IterableEnd):
            self._active[payload.worker_id] = False
            del self._tasks[idx]
        else:
            self._results[idx] = payload

    def next(self):
        if self._finished:
            raise StopIteration
        self._fill()
        while True:
            idx = self._rcvd_idx
            if idx >= self._send_idx:
                self._fill()
                if idx >= self._send_idx:
                    self._end_epoch()
                    raise StopIteration
                continue
            task = self._tasks.get(idx)
            if task is None or (idx not in self._results and not self._active[task[0]]):
                self._tasks.pop(idx, None)  # asked of a worker whose iterable had ended
                self._rcvd_idx += 1
                continue
            if idx not in self._results:
                self._receive()
                continue
            payload = self._results.pop(idx)
            del self._tasks[idx]
            self._rcvd_idx += 1
            self._fill()
            if isinstance(payload, WorkerError):
                payload.reraise()
            if self._discard:
                self._discard -= 1
                continue
            return pickle.loads(payload), task[1]

    def _end_epoch(self):
        self._finished = True
        if not self._loader.persistent_workers:
            self._pool.shutdown()

    def close(self):
        self._pool.shutdown()
