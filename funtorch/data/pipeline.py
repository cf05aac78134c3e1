"""``Pipeline``: chainable, resumable iterator pipelines (``from_dataset(ds).map(f)...``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from funtorch.data.device import TO_DEVICE_WARNING, cuda_target
from funtorch.data.seeding import draw_seed, key_data, resolve_key_data
from funtorch.data.sources import DatasetSource, IterableSource
from funtorch.data.stages import (
    BatchNode, FilterNode, MapNode, PrefetchNode, RepeatNode, ShuffleNode,
)

__all__ = ["Pipeline", "PipelineIterator"]

STATE_MSG = ("PipelineIterator.restore: expected the dict returned by state() (keys 'epoch' "
             "and 'pipeline'), got {!r}")


def _positive(fn, name, value):
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"Pipeline.{fn}: {name} should be a positive integer, got {value!r}")


def _callable(fn, value):
    if not callable(value):
        raise TypeError(f"Pipeline.{fn}: expected a function, got {type(value).__name__}")


class Pipeline:
    """A chain of iterator stages; each ``iter()`` is a new epoch; iterators checkpoint.

    Build with :meth:`from_dataset` or :meth:`from_iterable` and chain :meth:`map`,
    :meth:`filter`, :meth:`shuffle`, :meth:`batch`, :meth:`prefetch`, :meth:`to` and
    :meth:`repeat` (each returns a new ``Pipeline``). Iterating gives a
    :class:`PipelineIterator` whose ``state()`` is a small JSON-able dict and whose
    ``restore(state)`` resumes on the exact next element, also mid-epoch, after shuffling
    and with parallel ``map``. Random choices depend only on the seeds and the epoch, so
    epoch ``e`` is the same on every run and differs from epoch ``e + 1``.

    The constructor is internal: the sources and stages build pipelines.

    Args:
        node: the last stage of the chain (a source or stage of ``data/sources.py`` and
            ``data/stages.py``, with ``open(epoch, state)``).
        description: the chain as text (``from_iterable(...).map(...)``), for ``repr``.

    Example:
        >>> p = ft.data.Pipeline.from_iterable(range(10)).map(lambda x: x * x).batch(4)
        >>> [b.tolist() for b in p]
        [[0, 1, 4, 9], [16, 25, 36, 49], [64, 81]]
        >>> len(p)
        3
    """

    def __init__(self, node: Any, description: str) -> None:
        self._node = node
        self._description = description
        self._epoch = 0

    # Sources ------------------------------------------------------------------------

    @classmethod
    def from_dataset(cls, dataset: Any, *, shuffle: bool = False, seed: int | None = None,
                     generator: Any = None) -> Pipeline:
        """Elements ``dataset[0], dataset[1], ...`` (or an ``IterableDataset``'s elements).

        Args:
            dataset: a map-style dataset (anything with ``__getitem__`` and ``__len__``)
                or an ``IterableDataset``.
            shuffle: a new full random permutation every epoch (map-style only); the
                state stays a position, so restores are O(1).
            seed, generator: the permutation's randomness (default: ``ft.manual_seed``).

        Returns:
            A ``Pipeline`` whose epochs yield the dataset's elements.

        Example:
            >>> list(ft.data.Pipeline.from_dataset([10, 20, 30]))
            [10, 20, 30]
        """
        key = resolve_key_data(generator, seed, "Pipeline.from_dataset") if shuffle else None
        name = type(dataset).__name__
        return cls(DatasetSource(dataset, shuffle, key), f"from_dataset({name})")

    @classmethod
    def from_iterable(cls, iterable: Iterable[Any]) -> Pipeline:
        """Elements of ``iterable``, re-iterated every epoch.

        ``iterable`` may be a re-iterable (list, range, ``DataLoader``, another
        ``Pipeline``), a function returning a fresh iterator (for generators), or a
        one-shot iterator (a single epoch, which cannot be restored mid-way). Restoring
        skips the elements already seen, or calls the iterator's own ``restore``.

        Args:
            iterable: a re-iterable, a function returning a fresh iterator, or an iterator.

        Returns:
            A ``Pipeline`` whose epochs yield ``iterable``'s elements.

        Example:
            >>> list(ft.data.Pipeline.from_iterable(lambda: (c for c in "ab")))
            ['a', 'b']
        """
        return cls(IterableSource(iterable), f"from_iterable({type(iterable).__name__})")

    # Stages -------------------------------------------------------------------------

    def _then(self, node, description):
        return Pipeline(node, f"{self._description}.{description}")

    def map(self, fn: Callable[[Any], Any], num_workers: int = 0, *,
            executor: str = "thread") -> Pipeline:
        """Apply ``fn`` to every element, in order.

        Args:
            fn: element -> element.
            num_workers: calls run in parallel on this many workers, results keep the
                input order; 0 calls ``fn`` in the iterating thread.
            executor: ``"thread"`` (any ``fn``; pays off when ``fn`` releases the GIL, as
                NumPy and I/O do) or ``"process"`` (``fn`` and elements must be picklable;
                spawned processes, reused across epochs).

        Returns:
            A new ``Pipeline`` yielding ``fn(element)``.

        Raises:
            TypeError: ``fn`` is not callable.
            ValueError: a negative ``num_workers`` or an unknown ``executor``.

        Example:
            >>> list(ft.data.Pipeline.from_iterable(range(4)).map(str, num_workers=2))
            ['0', '1', '2', '3']
        """
        _callable("map", fn)
        if not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError("Pipeline.map: num_workers option should be non-negative; use "
                             "num_workers=0 to call fn in the iterating thread.")
        if executor not in ("thread", "process"):
            raise ValueError(f"Pipeline.map: executor should be 'thread' or 'process', got "
                             f"{executor!r}")
        name = getattr(fn, "__name__", type(fn).__name__)
        return self._then(MapNode(self._node, fn, num_workers, executor), f"map({name})")

    def filter(self, predicate: Callable[[Any], bool]) -> Pipeline:
        """Keep the elements for which ``predicate(element)`` is true.

        Args:
            predicate: element -> bool.

        Returns:
            A new ``Pipeline`` yielding the kept elements, in order.

        Raises:
            TypeError: ``predicate`` is not callable.

        Example:
            >>> list(ft.data.Pipeline.from_iterable(range(6)).filter(lambda x: x % 2))
            [1, 3, 5]
        """
        _callable("filter", predicate)
        name = getattr(predicate, "__name__", type(predicate).__name__)
        return self._then(FilterNode(self._node, predicate), f"filter({name})")

    def shuffle(self, buffer_size: int, seed: int | None = None) -> Pipeline:
        """Shuffle through a buffer of ``buffer_size`` elements, differently every epoch.

        ``seed`` defaults to one drawn now from the global generator (``ft.manual_seed``).
        A restore replays the epoch up to the saved position, so put ``shuffle`` before
        expensive stages only when replaying them is acceptable (or shuffle the indices
        with ``from_dataset(ds, shuffle=True)``, whose restores are O(1)).

        Args:
            buffer_size: how many elements the buffer holds (a positive int); each output
                is drawn uniformly from it.
            seed: an int seeding the shuffle of every epoch (with the epoch number).

        Returns:
            A new ``Pipeline`` yielding the same elements in a shuffled order.

        Raises:
            ValueError: ``buffer_size`` is not a positive integer.

        Example:
            >>> sorted(ft.data.Pipeline.from_iterable(range(5)).shuffle(3, seed=0))
            [0, 1, 2, 3, 4]
        """
        _positive("shuffle", "buffer_size", buffer_size)
        if seed is None:
            seed = draw_seed()
        key_data(None, seed, "Pipeline.shuffle")  # type check
        return self._then(ShuffleNode(self._node, buffer_size, int(seed)),
                          f"shuffle({buffer_size}, seed={seed})")

    def batch(self, batch_size: int | None, drop_last: bool = False,
              collate_fn: Callable[[list[Any]], Any] | None = None) -> Pipeline:
        """Group ``batch_size`` elements and collate them (default ``default_collate``).

        Args:
            batch_size: elements per batch (a positive int).
            drop_last: drop a last batch smaller than ``batch_size``.
            collate_fn: list of elements -> batch (default ``ft.data.default_collate``,
                which stacks arrays along a new first axis).

        Returns:
            A new ``Pipeline`` yielding the batches.

        Raises:
            ValueError: ``batch_size`` is not a positive integer or ``drop_last`` is not a
                bool.

        Example:
            >>> [b.tolist() for b in ft.data.Pipeline.from_iterable(range(5)).batch(2, True)]
            [[0, 1], [2, 3]]
        """
        _positive("batch", "batch_size", batch_size)
        if not isinstance(drop_last, bool):
            raise ValueError(f"Pipeline.batch: drop_last should be a boolean value, but got "
                             f"drop_last={drop_last}")
        return self._then(BatchNode(self._node, batch_size, drop_last, collate_fn),
                          f"batch({batch_size}, drop_last={drop_last})")

    def prefetch(self, n: int = 2) -> Pipeline:
        """Produce up to ``n`` elements ahead in a background thread.

        Args:
            n: how many elements to hold ready (a positive int).

        Returns:
            A new ``Pipeline`` yielding the same elements.

        Raises:
            ValueError: ``n`` is not a positive integer.

        Example:
            >>> list(ft.data.Pipeline.from_iterable(range(3)).prefetch(2))
            [0, 1, 2]
        """
        _positive("prefetch", "n", n)
        return self._then(PrefetchNode(self._node, n, None, "thread"), f"prefetch({n})")

    def to(self, device: Any) -> Pipeline:
        """Move the arrays of each element to ``device`` ("cpu", "cuda", "cuda:N").

        For CUDA, a background thread copies through CuPy pinned memory on a side stream,
        so the next element is on the GPU before it is needed. Without CUDA this warns
        once, here, and leaves elements on the CPU.

        Args:
            device: a device or its name.

        Returns:
            A new ``Pipeline`` yielding the elements with their arrays on ``device``.

        Example:
            >>> x, = ft.data.Pipeline.from_iterable([ft.ones(2)]).to("cpu")
            >>> x.device
            device(type='cpu')
        """
        import funtorch as ft

        target = ft.device(device)
        mode = "cpu"
        if target.type == "cuda":
            mode = "cuda" if cuda_target(target, TO_DEVICE_WARNING, device=device) else "pass"
        return self._then(PrefetchNode(self._node, 2, target, mode), f"to({str(device)!r})")

    def repeat(self, epochs: int | None = None) -> Pipeline:
        """Run the upstream ``epochs`` times (forever with None), each a new epoch.

        An upstream round that yields nothing ends the repetition instead of spinning.

        Args:
            epochs: how many rounds (a positive int), or None for no end.

        Returns:
            A new ``Pipeline`` yielding the upstream's elements ``epochs`` times over.

        Raises:
            ValueError: ``epochs`` is not None or a positive integer.

        Example:
            >>> list(ft.data.Pipeline.from_iterable(range(2)).repeat(2))
            [0, 1, 0, 1]
        """
        if epochs is not None:
            _positive("repeat", "epochs", epochs)
        return self._then(RepeatNode(self._node, epochs), f"repeat({epochs})")

    # Iteration ----------------------------------------------------------------------

    def __iter__(self) -> PipelineIterator:
        epoch = self._epoch
        self._epoch += 1
        return PipelineIterator(self, epoch)

    def __len__(self):
        return self._node.length()

    def __bool__(self):
        return True

    def __repr__(self):
        return f"Pipeline.{self._description}"


class PipelineIterator:
    """One epoch of a :class:`Pipeline`, with ``state()`` and ``restore(state)``.

    ``iter(pipeline)`` makes it; it is not meant to be constructed directly.

    Args:
        pipeline: the pipeline whose epoch it runs.
        epoch: the epoch number (it seeds the epoch's random choices).
        state: the ``"pipeline"`` part of a ``state()`` to resume at, or None to start the
            epoch.

    Example:
        >>> p = ft.data.Pipeline.from_iterable(range(6)).shuffle(4, seed=0)
        >>> it = iter(p); _ = next(it); saved = it.state(); rest = list(it)
        >>> it2 = iter(p); it2.restore(saved); list(it2) == rest
        True
    """

    def __init__(self, pipeline: Any, epoch: int, state: Any = None) -> None:
        self._pipeline = pipeline
        self._epoch = epoch
        self._top = pipeline._node.open((epoch,), state)
        self._next = self._top.__next__

    def __iter__(self):
        return self

    def __next__(self):
        return self._next()

    def state(self) -> dict:
        """The position after the last element returned.

        Returns:
            A small JSON-able dict (``"epoch"`` and the stages' ``"pipeline"`` state) for
            :meth:`restore`.

        Example:
            >>> it = iter(ft.data.Pipeline.from_iterable(range(5)))
            >>> _ = next(it); _ = next(it)
            >>> it.state()["epoch"]
            0
        """
        return {"epoch": self._epoch, "pipeline": self._top.state()}

    def restore(self, state: dict) -> None:
        """Continue exactly after the element at which ``state`` was taken.

        Args:
            state: a dict :meth:`state` returned (from any iterator of this pipeline).

        Raises:
            ValueError: ``state`` is not a dict returned by ``state()``.

        Example:
            >>> p = ft.data.Pipeline.from_iterable(range(5))
            >>> it = iter(p); _ = next(it); _ = next(it); saved = it.state()
            >>> resumed = iter(p); resumed.restore(saved); list(resumed)
            [2, 3, 4]
        """
        if not isinstance(state, dict) or not {"epoch", "pipeline"} <= set(state):
            raise ValueError(STATE_MSG.format(state))
        self._top.close()
        self._epoch = int(state["epoch"])
        self._pipeline._epoch = self._epoch + 1
        self._top = self._pipeline._node.open((self._epoch,), state["pipeline"])
        self._next = self._top.__next__

    def close(self) -> None:
        """Stop background threads now (they also stop when the iterator is collected).

        Example:
            >>> it = iter(ft.data.Pipeline.from_iterable(range(100)).prefetch(4))
            >>> next(it)
            0
            >>> it.close()
        """
        self._top.close()
