"""``DataLoader``: PyTorch's arguments, checks and behaviour over ``ft.data`` samplers."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from funtorch.data.collate import default_collate, default_convert
from funtorch.data.dataset import IterableDataset
from funtorch.data.device import PIN_MEMORY_WARNING, cuda_target
from funtorch.data.iterators import DataLoaderIterator, SingleProcessSource
from funtorch.data.sampler import BatchSampler, RandomSampler, SequentialSampler
from funtorch.data.seeding import derived_seed, draw_seed

__all__ = ["DataLoader"]

DEFAULT_START_METHOD = "spawn"  # safe with threads (fork is not), and the same on every OS
_FROZEN = ("dataset", "batch_size", "batch_sampler", "sampler", "drop_last",
           "persistent_workers")


def _plain_int(value):
    """A NumPy integer as a Python int (``batch_size=np.int64(2)``); anything else as is."""
    return int(value) if isinstance(value, np.integer) else value


def _check_int(name, value, minimum, message):
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(message.format(name=name, value=value))


def _context(value):
    import multiprocessing  # (here: ~5 ms of import funtorch, for loaders with workers only)

    if value is None:
        return multiprocessing.get_context(DEFAULT_START_METHOD)
    if isinstance(value, str):
        return multiprocessing.get_context(value)
    if hasattr(value, "Process") and hasattr(value, "get_start_method"):
        return value
    raise TypeError("multiprocessing_context option should be a start method name ('spawn', "
                    f"'forkserver', 'fork') or a multiprocessing context, got {value!r}")


class DataLoader:
    """Batches of a dataset, in the main process or in worker processes, PyTorch style.

    Args:
        dataset: a map-style dataset (``__getitem__``/``__len__``, e.g. a list) or an
            :class:`IterableDataset`.
        batch_size: samples per batch; ``None`` disables batching (each sample goes
            through ``collate_fn``, by default :func:`default_convert`).
        shuffle: a new random order each epoch (a :class:`RandomSampler`).
        sampler: an iterable of indices (exclusive with ``shuffle``).
        batch_sampler: an iterable of index lists (exclusive with ``batch_size``,
            ``shuffle``, ``sampler`` and ``drop_last``).
        num_workers: worker processes; 0 loads in the main process.
        collate_fn: list of samples -> batch (default :func:`default_collate`).
        pin_memory: deliver batches on the GPU, staged through CuPy pinned memory by a
            background thread; warns once and does nothing without CUDA.
        drop_last: drop the last incomplete batch.
        prefetch_factor: batches requested ahead per worker.
        persistent_workers: keep the workers alive between epochs.
        seed: makes the shuffle order of epoch ``e`` and the workers' seeds a pure
            function of ``(seed, e)``; without it they follow ``ft.manual_seed``.
        worker_init_fn: called as ``worker_init_fn(worker_id)`` in each worker.
        timeout: seconds to wait for a batch from the workers (0: forever).
        multiprocessing_context: start method name or context (default "spawn"; the
            dataset, collate_fn and worker_init_fn must then be picklable).
        pin_memory_device: the device ``pin_memory`` copies to (default "cuda").

    Raises:
        ValueError: invalid or conflicting options (messages follow PyTorch's).

    Example:
        >>> loader = ft.data.DataLoader(list(range(10)), batch_size=4, drop_last=True)
        >>> [b.tolist() for b in loader], len(loader)
        ([[0, 1, 2, 3], [4, 5, 6, 7]], 2)
    """

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool = False,
                 sampler: Any = None, batch_sampler: Any = None, num_workers: int = 0,
                 collate_fn: Callable[[list[Any]], Any] | None = None, pin_memory: bool = False,
                 drop_last: bool = False, prefetch_factor: int | None = 2,
                 persistent_workers: bool = False, seed: int | None = None,
                 worker_init_fn: Callable[[int], None] | None = None, timeout: float = 0,
                 multiprocessing_context: Any = None, pin_memory_device: str = "") -> None:
        batch_size, num_workers, prefetch_factor, seed = (
            _plain_int(v) for v in (batch_size, num_workers, prefetch_factor, seed))
        self._check_workers(num_workers, prefetch_factor, persistent_workers, timeout)
        self.iterable = isinstance(dataset, IterableDataset)
        self._check_samplers(batch_size, shuffle, sampler, batch_sampler, drop_last)
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise TypeError(f"seed option should be an int or None, got {seed!r}")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor if prefetch_factor is not None else 2
        self.persistent_workers = persistent_workers
        self.timeout = timeout
        self.seed = seed
        self.worker_init_fn = worker_init_fn
        if multiprocessing_context is not None and num_workers == 0:
            raise ValueError("multiprocessing_context can only be used with multi-process "
                             f"loading (num_workers > 0), but got num_workers={num_workers}")
        self.multiprocessing_context = _context(multiprocessing_context) if num_workers else None
        self.pin_memory = pin_memory
        self.pin_device = cuda_target(pin_memory_device or "cuda", PIN_MEMORY_WARNING) \
            if pin_memory else None
        if batch_sampler is not None:
            batch_size, drop_last = None, False
        self.batch_size = batch_size
        self.drop_last = drop_last
        if not self.iterable and sampler is None:
            sampler = RandomSampler(dataset, seed=seed) if shuffle else SequentialSampler(dataset)
        if not self.iterable and batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.auto_collation = batch_sampler is not None or (self.iterable and batch_size
                                                            is not None)
        if collate_fn is None:
            collate_fn = default_collate if self.auto_collation else default_convert
        self.collate_fn = collate_fn
        self._epoch = 0
        self._iterator = None  # weak reference to the persistent workers' iterator
        self._persistent_source = None
        self._initialized = True

    @staticmethod
    def _check_workers(num_workers, prefetch_factor, persistent_workers, timeout):
        _check_int("num_workers", num_workers, 0, "num_workers option should be non-negative; "
                   "use num_workers=0 to disable multiprocessing.")
        if not isinstance(timeout, (int, float)) or timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if num_workers > 0 and prefetch_factor is not None:
            _check_int("prefetch_factor", prefetch_factor, 1,
                       "prefetch_factor option should be a positive integer, got {value!r}")

    def _check_samplers(self, batch_size, shuffle, sampler, batch_sampler, drop_last):
        if self.iterable:
            for name, value in (("shuffle", shuffle), ("sampler", sampler),
                                ("batch_sampler", batch_sampler)):
                if value is not None and value is not False:
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                     f"{name} option, but got {name}={value}")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None
                                          or drop_last):
            raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                             "shuffle, sampler, and drop_last")
        if batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if batch_size is not None and batch_sampler is None:
            _check_int("batch_size", batch_size, 1, "batch_size should be a positive integer "
                       "value, but got batch_size={value}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")

    def __setattr__(self, name, value):
        if name in _FROZEN and getattr(self, "_initialized", False):
            raise ValueError(f"{name} attribute should not be set after "
                             f"{type(self).__name__} is initialized")
        super().__setattr__(name, value)

    @property
    def index_sampler(self) -> Any:
        """What the loader iterates for indices: the batch sampler when batching."""
        return self.batch_sampler if self.auto_collation else self.sampler

    def __len__(self):
        if not self.iterable:
            return len(self.index_sampler)
        length = len(self.dataset)  # TypeError when the dataset has no len, as in PyTorch
        if self.batch_size is None:
            return length
        return length // self.batch_size if self.drop_last else -(-length // self.batch_size)

    def _take_epoch(self):
        """The next epoch number and its workers' base seed (always drawn, see README)."""
        epoch = self._epoch
        self._epoch += 1
        base_seed = draw_seed() if self.seed is None else derived_seed(self.seed, epoch)
        return epoch, base_seed

    def _set_next_epoch(self, epoch):
        self._epoch = epoch

    def _source(self, base_seed):
        if self.num_workers == 0:
            return SingleProcessSource(self)
        from funtorch.data.multiprocess import MultiProcessSource

        return MultiProcessSource(self, base_seed)

    def __iter__(self) -> DataLoaderIterator:
        epoch, base_seed = self._take_epoch()
        if self.persistent_workers and self.num_workers > 0:
            return self._persistent_iterator(epoch, base_seed)
        return DataLoaderIterator(self, self._source(base_seed), epoch)

    def _persistent_iterator(self, epoch, base_seed):
        """The loader keeps the workers (its source) and only a weak reference to the
        iterator, so no cycle holds the workers after ``del loader`` (see NOTE [worker
        shutdown]); the same iterator object is reused while the caller holds it."""
        source = self._persistent_source
        iterator = self._iterator() if self._iterator is not None else None
        if source is None or not source.alive:
            source = self._persistent_source = self._source(base_seed)
            iterator = None
        if iterator is not None:
            iterator._reset(epoch)
            return iterator
        iterator = DataLoaderIterator(self, source, epoch)
        self._iterator = weakref.ref(iterator)
        return iterator
