"""Samplers: streams of dataset indices, each epoch a pure function of (key, epoch).

Iterating a sampler starts an epoch and returns an iterator with ``state()``, a small
JSON-able dict; ``sampler.resume(state)`` returns an iterator on the exact next index
without drawing any randomness, which is how ``DataLoader`` iterators restore.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

import funtorch as ft
from funtorch.data.index_iterator import IndexIterator, _check_bool, _check_positive_int
from funtorch.data.seeding import draw_seed, epoch_key, key_data, permutation
from funtorch.typing import ArrayLike, Key

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]


class Sampler:
    """Base class: ``__iter__`` yields indices (define ``__len__`` when it is known).

    Subclasses that also define ``resume(state)`` (returning an iterator on the exact next
    index) make ``DataLoader`` restores O(1); others are replayed from the epoch start.

    Args:
        data_source: accepted for torch's signature and ignored (subclasses keep what they
            need).

    Raises:
        NotImplementedError: iterating a subclass that does not define ``__iter__``.

    Example:
        >>> class Evens(ft.data.Sampler):
        ...     def __iter__(self): return iter(range(0, 6, 2))
        >>> list(Evens())
        [0, 2, 4]
    """

    def __init__(self, data_source: Any = None) -> None:
        pass

    def __iter__(self) -> Iterator[Any]:  # indices, or lists of them (BatchSampler)
        raise NotImplementedError("Subclasses of Sampler should implement __iter__.")


class SequentialSampler(Sampler):
    """Indices ``0, 1, ..., len(data_source) - 1``, in order, every epoch.

    Args:
        data_source: the dataset (only its ``len`` is used, at each iteration).

    Example:
        >>> list(ft.data.SequentialSampler(range(3)))
        [0, 1, 2]
    """

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> IndexIterator:
        return self.resume({"pos": 0})

    def resume(self, state: Mapping[str, Any]) -> IndexIterator:
        """An iterator at ``state`` (from an iterator's ``state()``: its position).

        Args:
            state: the dict an iterator's ``state()`` returned (``{"pos": n}``).

        Returns:
            An iterator on the indices from ``n`` on (it has ``state()`` too).

        Example:
            >>> list(ft.data.SequentialSampler(range(5)).resume({"pos": 3}))
            [3, 4]
        """
        return IndexIterator(range(len(self.data_source)), state["pos"])

    def __len__(self) -> int:
        return len(self.data_source)


class _EpochSampler(Sampler):
    """A sampler whose epoch ``e`` order depends only on its base key and ``e``.

    The base key comes from ``seed``/``generator``; without them a fresh seed is drawn
    from the global generator (``ft.manual_seed``) at each epoch, as PyTorch does.
    """

    def __init__(self, generator: Any, seed: int | None, fn: str) -> None:
        self.generator = generator
        self.seed = seed
        self._key = key_data(generator, seed, fn)
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Make the next iteration epoch ``epoch`` (orders differ between epochs).

        Args:
            epoch: the epoch number (an int); its order depends only on it and the seed.

        Example:
            >>> sampler = ft.data.RandomSampler(range(6), seed=0)
            >>> first = list(sampler); sampler.set_epoch(0); list(sampler) == first
            True
        """
        self.epoch = int(epoch)

    def __iter__(self) -> IndexIterator:
        key = self._key if self._key is not None else ft.random.key(draw_seed()).tolist()
        return self.resume({"key": key, "epoch": self.epoch, "pos": 0})

    def resume(self, state: Mapping[str, Any]) -> IndexIterator:
        """An iterator at ``state`` (from an iterator's ``state()``); later epochs follow.

        Args:
            state: the dict an iterator's ``state()`` returned (key, epoch and position).

        Returns:
            An iterator on the rest of that epoch's indices (it has ``state()`` too).

        Example:
            >>> sampler = ft.data.RandomSampler(range(6), seed=0)
            >>> it = iter(sampler); head = [next(it), next(it)]
            >>> sorted(head + list(sampler.resume(it.state())))
            [0, 1, 2, 3, 4, 5]
        """
        self.epoch = int(state["epoch"]) + 1
        order = self._order(epoch_key(state["key"], state["epoch"]))
        meta = {"key": [int(w) for w in state["key"]], "epoch": int(state["epoch"])}
        return IndexIterator(order, state["pos"], meta)

    def _order(self, key: Key) -> list[int]:
        raise NotImplementedError


class RandomSampler(_EpochSampler):
    """Random indices of ``data_source``: a new permutation every epoch.

    Args:
        data_source: the dataset (only its ``len`` is used).
        replacement: draw with replacement.
        num_samples: how many indices per epoch (default ``len(data_source)``); without
            replacement, more than ``len`` chains several permutations, as in PyTorch.
        generator: an ``ft.random`` key or ``numpy.random.Generator``.
        seed: an int seed; the epoch-``e`` order is a pure function of (seed, e).

    Raises:
        ValueError: non-boolean ``replacement``, non-positive ``num_samples``.

    Example:
        >>> sorted(ft.data.RandomSampler(range(4), seed=0))
        [0, 1, 2, 3]
    """

    def __init__(self, data_source: Any, replacement: bool = False, num_samples: int | None = None,
                 generator: Any = None, *, seed: int | None = None) -> None:
        _check_bool("replacement", replacement)
        if num_samples is not None:
            _check_positive_int("num_samples", num_samples)
        super().__init__(generator, seed, "RandomSampler")
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples

    @property
    def num_samples(self) -> int:
        """How many indices an epoch yields (``len(data_source)`` unless given)."""
        return len(self.data_source) if self._num_samples is None else int(self._num_samples)

    def __len__(self) -> int:
        return self.num_samples

    def _order(self, key: Key) -> list[int]:
        n, count = len(self.data_source), self.num_samples
        if n == 0:
            return []
        if self.replacement:
            return ft.random.randint(key, (count,), 0, n).tolist()
        order = []
        for round_ in range(-(-count // n)):
            order += permutation(ft.random.fold_in(key, round_), n)
        return order[:count]


class SubsetRandomSampler(_EpochSampler):
    """The given indices in a random order, a new permutation every epoch (the epoch-``e``
    order a pure function of the base key and ``e``).

    Args:
        indices: the dataset indices to draw from (each appears once per epoch).
        generator: an ``ft.random`` key or ``numpy.random.Generator`` for the base key; with
            neither it nor ``seed``, each epoch draws a fresh seed from the global generator
            (``ft.manual_seed``), as torch does.
        seed: an int seed for the base key (keyword-only).

    Raises:
        ValueError: both ``generator`` and ``seed``.
        TypeError: a ``seed`` that is not an int, or a ``generator`` of another type.

    Example:
        >>> sorted(ft.data.SubsetRandomSampler([7, 3, 5], seed=1))
        [3, 5, 7]
    """

    def __init__(self, indices: Sequence[int], generator: Any = None, *,
                 seed: int | None = None) -> None:
        super().__init__(generator, seed, "SubsetRandomSampler")
        self.indices = indices

    def __len__(self) -> int:
        return len(self.indices)

    def _order(self, key: Key) -> list[int]:
        perm = permutation(key, len(self.indices))
        return [self.indices[i] for i in perm]


class WeightedRandomSampler(_EpochSampler):
    """Indices ``0..len(weights)-1`` drawn with probabilities proportional to ``weights``.

    Without replacement each index appears at most once (Gumbel top-k sampling).

    Args:
        weights: a 1-d sequence or array of non-negative, finite weights with a positive sum
            (they need not sum to 1).
        num_samples: how many indices an epoch yields.
        replacement: draw with replacement (False: at most ``count_nonzero(weights)``
            samples).
        generator: an ``ft.random`` key or ``numpy.random.Generator`` for the base key; with
            neither it nor ``seed``, each epoch draws a fresh seed from the global generator.
        seed: an int seed; the epoch-``e`` draw is a pure function of (seed, e).

    Raises:
        ValueError: weights that are not a 1-d sequence of non-negative finite numbers with
            a positive sum, bad ``num_samples``/``replacement``, or more samples than
            non-zero weights without replacement; both ``generator`` and ``seed``.
        TypeError: a ``seed`` that is not an int, or a ``generator`` of another type.

    Example:
        >>> list(ft.data.WeightedRandomSampler([0.0, 1.0], 3, seed=0))
        [1, 1, 1]
        >>> sorted(ft.data.WeightedRandomSampler([1.0, 0.0, 2.0], 2, replacement=False, seed=0))
        [0, 2]
    """

    def __init__(self, weights: ArrayLike, num_samples: int | None, replacement: bool = True,
                 generator: Any = None, *, seed: int | None = None) -> None:
        _check_positive_int("num_samples", num_samples)
        _check_bool("replacement", replacement)
        weights = np.asarray(weights.numpy() if isinstance(weights, ft.Array) else weights,
                             dtype=np.float64)
        if weights.ndim != 1:
            raise ValueError("weights should be a 1d sequence but given weights have shape "
                             f"{tuple(weights.shape)}")
        if not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
            raise ValueError("weights should be non-negative finite numbers with a positive "
                             "sum")
        if not replacement and num_samples > np.count_nonzero(weights):
            raise ValueError(f"cannot sample num_samples={num_samples} indices without "
                             f"replacement from {np.count_nonzero(weights)} non-zero weights")
        super().__init__(generator, seed, "WeightedRandomSampler")
        self.weights = weights
        self.num_samples = int(num_samples)
        self.replacement = replacement

    def __len__(self) -> int:
        return self.num_samples

    def _order(self, key: Key) -> list[int]:
        unit = ft.random.uniform(key, (self.num_samples if self.replacement
                                       else len(self.weights),), np.float64).numpy()
        if self.replacement:
            cdf = np.cumsum(self.weights)
            picks = np.searchsorted(cdf, unit * cdf[-1], side="right")
            return np.minimum(picks, len(self.weights) - 1).tolist()
        with np.errstate(divide="ignore"):
            scores = np.log(self.weights) - np.log(-np.log(np.maximum(unit, 1e-300)))
        return np.argsort(-scores, kind="stable")[:self.num_samples].tolist()


class BatchSampler(Sampler):
    """Groups another sampler's indices into lists of ``batch_size``.

    Args:
        sampler: a sampler or any iterable of indices.
        batch_size: the size of each list.
        drop_last: drop the last list when it is shorter than ``batch_size``.

    Raises:
        ValueError: non-positive ``batch_size``, non-boolean ``drop_last``.

    Example:
        >>> list(ft.data.BatchSampler(range(5), 2, drop_last=False))
        [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler: Any, batch_size: int | None, drop_last: bool) -> None:
        _check_positive_int("batch_size", batch_size)
        _check_bool("drop_last", drop_last)
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self) -> _BatchIterator:
        return _BatchIterator(iter(self.sampler), self.batch_size, self.drop_last)

    def resume(self, state: Mapping[str, Any]) -> _BatchIterator:
        """An iterator on the exact next batch; needs a sampler with ``resume``.

        Args:
            state: the dict a batch iterator's ``state()`` returned (its sampler's).

        Returns:
            An iterator on the remaining batches.

        Raises:
            TypeError: the sampler has no ``resume``.

        Example:
            >>> batches = ft.data.BatchSampler(ft.data.SequentialSampler(range(5)), 2, False)
            >>> it = iter(batches); next(it)
            [0, 1]
            >>> list(batches.resume(it.state()))
            [[2, 3], [4]]
        """
        if not hasattr(self.sampler, "resume"):
            raise TypeError(f"BatchSampler.resume: {type(self.sampler).__name__} has no "
                            "resume(state); replay the epoch instead")
        return _BatchIterator(self.sampler.resume(state), self.batch_size, self.drop_last)

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return -(-len(self.sampler) // self.batch_size)


class _BatchIterator:
    __slots__ = ("_indices", "_size", "_drop_last", "_take")

    def __init__(self, indices: Iterator[int], size: int, drop_last: bool) -> None:
        self._indices = indices
        self._size = size
        self._drop_last = drop_last
        self._take = getattr(indices, "take", None)

    def __iter__(self) -> _BatchIterator:
        return self

    def __next__(self) -> list[int]:
        if self._take is not None:
            batch = self._take(self._size)
        else:
            batch = list(itertools.islice(self._indices, self._size))
        if not batch or (self._drop_last and len(batch) < self._size):
            raise StopIteration
        return batch

    def state(self) -> dict[str, Any] | None:
        """The index iterator's state (``None`` for samplers without one)."""
        state = getattr(self._indices, "state", None)
        return None if state is None else state()
