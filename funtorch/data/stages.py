"""The stages of a :class:`~funtorch.data.Pipeline`: one node class and one iterator each.

A node is an immutable description; ``node.open(epoch, state)`` returns its iterator for
one epoch, positioned by ``state`` (None: the epoch's start). ``epoch`` is a tuple of ints
(the pipeline's iteration number, then one int per enclosing ``repeat``) that seeds every
random choice. An iterator's ``state()`` is a small JSON-able dict describing the position
right after the last element it returned; it nests its upstream's state under ``"up"``.
Stages that work ahead (parallel ``map``, ``prefetch``, ``to``) keep the upstream state
captured with each element, so their state is exact too.
"""

from __future__ import annotations

import collections
import itertools
import weakref

import numpy as np

from funtorch.data.background import Background
from funtorch.data.collate import default_collate
from funtorch.data.device import PinnedCopier, to_device
from funtorch.data.iterators import add_note
from funtorch.data.sources import NO_LEN_MSG, Node, Stage


# Element-wise stages ---------------------------------------------------------------------


class MapNode(Node):
    def __init__(self, upstream, fn, num_workers, executor):
        self.upstream, self.fn, self.num_workers, self.kind = upstream, fn, num_workers, executor
        self._executor = None

    def executor(self):
        if self._executor is None:
            import concurrent.futures  # (here: ~4 ms of import funtorch, for map stages only)

            if self.kind == "process":
                import multiprocessing

                pool = concurrent.futures.ProcessPoolExecutor(
                    self.num_workers, mp_context=multiprocessing.get_context("spawn"))
            else:
                pool = concurrent.futures.ThreadPoolExecutor(
                    self.num_workers, thread_name_prefix="funtorch-map")
            weakref.finalize(self, pool.shutdown, wait=False, cancel_futures=True)
            self._executor = pool
        return self._executor

    def open(self, epoch, state):
        up = self.upstream.open(epoch, state["up"] if state else None)
        if self.num_workers == 0:
            return MapStage(up, self.fn)
        return ParallelMapStage(up, self.fn, self.executor(), 2 * self.num_workers)


def _map_failed(exc, count):
    add_note(exc, f"(raised by Pipeline.map's function on element {count} of the epoch)")


class MapStage(Stage):
    __slots__ = ("up", "fn", "count")

    def __init__(self, up, fn):
        self.up, self.fn, self.count = up, fn, 0

    def __next__(self):
        sample = next(self.up)
        self.count += 1
        try:
            return self.fn(sample)
        except Exception as exc:
            _map_failed(exc, self.count - 1)
            raise

    def state(self):
        return {"up": self.up.state()}


class ParallelMapStage(Stage):
    """Keeps ``window`` calls in flight on an executor; returns results in input order."""

    def __init__(self, up, fn, executor, window):
        self.up, self.fn, self.executor, self.window = up, fn, executor, window
        self.pending = collections.deque()
        self.last = up.state()
        self.done = False
        self.count = 0

    def _fill(self):
        while not self.done and len(self.pending) < self.window:
            try:
                sample = next(self.up)
            except StopIteration:
                self.done = True
                return
            future = self.executor.submit(self.fn, sample)
            self.pending.append((future, self.up.state()))

    def __next__(self):
        self._fill()
        if not self.pending:
            raise StopIteration
        future, state = self.pending.popleft()
        self.count += 1
        try:
            result = future.result()
        except Exception as exc:
            _map_failed(exc, self.count - 1)
            raise
        finally:
            self.last = state
        self._fill()
        return result

    def state(self):
        return {"up": self.last}

    def close(self):
        for future, _ in self.pending:
            future.cancel()
        self.pending.clear()
        self.up.close()


class FilterNode(Node):
    def __init__(self, upstream, predicate):
        self.upstream, self.predicate = upstream, predicate

    def open(self, epoch, state):
        return FilterStage(self.upstream.open(epoch, state["up"] if state else None),
                           self.predicate)

    def length(self):
        raise TypeError(NO_LEN_MSG.format("filter() drops an unknown number of elements"))


class FilterStage(Stage):
    __slots__ = ("up", "predicate")

    def __init__(self, up, predicate):
        self.up, self.predicate = up, predicate

    def __next__(self):
        predicate, up = self.predicate, self.up
        while True:
            sample = next(up)
            if predicate(sample):
                return sample

    def state(self):
        return {"up": self.up.state()}


# Reordering and grouping -----------------------------------------------------------------


class ShuffleNode(Node):
    def __init__(self, upstream, buffer_size, seed):
        self.upstream, self.buffer_size, self.seed = upstream, buffer_size, seed

    def open(self, epoch, state):
        start = state["up"] if state else None
        seed = state["seed"] if state else self.seed
        return ShuffleStage(self.upstream.open(epoch, start), self.buffer_size, seed, epoch,
                            state["n"] if state else 0)


class ShuffleStage(Stage):
    """A ``buffer_size`` buffer; each output is a uniformly random element of it.

    Its state is the upstream state at the epoch start plus the number of elements
    returned: restoring replays the epoch from its start with the same random draws, which
    rebuilds the buffer exactly without storing it.
    """

    _BLOCK = 1024  # uniform draws made at once

    def __init__(self, up, buffer_size, seed, epoch, skip):
        self.up, self.size, self.seed = up, buffer_size, int(seed)
        self.start = up.state()
        self.rng = np.random.default_rng([self.seed, *map(int, epoch)])
        self.buffer, self.draws, self.done, self.n = [], [], False, 0
        for _ in range(skip):
            self.__next__()

    def _draw(self):
        if not self.draws:
            self.draws = self.rng.random(self._BLOCK).tolist()[::-1]
        return self.draws.pop()

    def __next__(self):
        buffer = self.buffer
        while not self.done and len(buffer) < self.size:
            try:
                buffer.append(next(self.up))
            except StopIteration:
                self.done = True
        if not buffer:
            raise StopIteration
        pick = int(self._draw() * len(buffer))
        sample = buffer[pick]
        buffer[pick] = buffer[-1]
        buffer.pop()
        self.n += 1
        return sample

    def state(self):
        return {"up": self.start, "seed": self.seed, "n": self.n}


class BatchNode(Node):
    def __init__(self, upstream, batch_size, drop_last, collate_fn):
        self.upstream, self.batch_size, self.drop_last = upstream, batch_size, drop_last
        self.collate_fn = collate_fn or default_collate

    def open(self, epoch, state):
        up = self.upstream.open(epoch, state["up"] if state else None)
        return BatchStage(up, self.batch_size, self.drop_last, self.collate_fn)

    def length(self):
        n = self.upstream.length()
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


class BatchStage(Stage):
    __slots__ = ("up", "size", "drop_last", "collate_fn")

    def __init__(self, up, size, drop_last, collate_fn):
        self.up, self.size, self.drop_last, self.collate_fn = up, size, drop_last, collate_fn

    def __next__(self):
        samples = list(itertools.islice(self.up, self.size))
        if not samples or (self.drop_last and len(samples) < self.size):
            raise StopIteration
        return self.collate_fn(samples)

    def state(self):
        return {"up": self.up.state()}


# Background stages and repetition ------------------------------------------------------


class PrefetchNode(Node):
    """``prefetch(n)`` (``copy_to`` None) or ``to(device)``."""

    def __init__(self, upstream, depth, device, mode):
        self.upstream, self.depth, self.device, self.mode = upstream, depth, device, mode

    def open(self, epoch, state):
        up = self.upstream.open(epoch, state["up"] if state else None)
        if self.mode == "pass":
            return PassStage(up, None)
        if self.mode == "cpu":
            return PassStage(up, self.device)
        return PrefetchStage(up, self.depth,
                             PinnedCopier(self.device) if self.mode == "cuda" else None)


class PassStage(Stage):
    __slots__ = ("up", "device")

    def __init__(self, up, device):
        self.up, self.device = up, device

    def __next__(self):
        sample = next(self.up)
        return sample if self.device is None else to_device(sample, self.device)

    def state(self):
        return {"up": self.up.state()}


def _producer(up, transform):
    def produce():
        sample = next(up)
        return (sample if transform is None else transform(sample)), up.state()
    return produce


class PrefetchStage(Stage):
    """A background thread keeps ``depth`` elements (and their states) ready."""

    def __init__(self, up, depth, transform):
        self.up = up
        self.last = up.state()
        self.worker = Background(_producer(up, transform), depth, "funtorch-prefetch")

    def __next__(self):
        sample, self.last = self.worker.next()
        return sample

    def state(self):
        return {"up": self.last}

    def close(self):
        self.worker.close()
        self.up.close()


class RepeatNode(Node):
    def __init__(self, upstream, epochs):
        self.upstream, self.epochs = upstream, epochs

    def open(self, epoch, state):
        return RepeatStage(self.upstream, epoch, state, self.epochs)

    def length(self):
        if self.epochs is None:
            raise TypeError(NO_LEN_MSG.format("repeat() without epochs never ends"))
        return self.epochs * self.upstream.length()


class RepeatStage(Stage):
    """Re-opens its upstream for rounds 0, 1, ...; a round that yields nothing ends it."""

    def __init__(self, node, epoch, state, epochs):
        self.node, self.epoch, self.epochs = node, tuple(epoch), epochs
        self.round = int(state["round"]) if state else 0
        self.any = bool(state) and state.get("up") is not None
        self.up = node.open(self.epoch + (self.round,), state["up"] if state else None)

    def __next__(self):
        while True:
            try:
                sample = next(self.up)
                self.any = True
                return sample
            except StopIteration:
                pass
            last = self.epochs is not None and self.round + 1 >= self.epochs
            if not self.any or last:
                raise StopIteration
            self.up.close()
            self.round, self.any = self.round + 1, False
            self.up = self.node.open(self.epoch + (self.round,), None)

    def state(self):
        return {"round": self.round, "up": self.up.state()}
