"""Datasets, PyTorch style: map-style (``__getitem__``/``__len__``) and iterable-style."""

from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

import funtorch as ft
from funtorch.data.seeding import epoch_key, permutation, resolve_key_data
from funtorch.typing import ArrayLike

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset",
           "ChainDataset", "random_split"]


class Dataset:
    """A map-style dataset: ``dataset[i]`` for ``0 <= i < len(dataset)``.

    Subclass it and define ``__getitem__`` (and ``__len__`` for samplers that need it).
    ``a + b`` concatenates two datasets.

    Example:
        >>> class Squares(ft.data.Dataset):
        ...     def __len__(self): return 4
        ...     def __getitem__(self, i): return i * i
        >>> Squares()[3]
        9
    """

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """An iterable-style dataset: define ``__iter__``; ``a + b`` chains two of them.

    With ``num_workers > 0`` every worker iterates its own copy; split the work with
    :func:`funtorch.data.get_worker_info` to avoid duplicates, as in PyTorch.

    Example:
        >>> class Count(ft.data.IterableDataset):
        ...     def __iter__(self): return iter(range(3))
        >>> list(Count())
        [0, 1, 2]
    """

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other):
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Samples are tuples of rows of the given arrays along their first dimension.

    Args:
        *tensors: funtorch arrays (or anything ``ft.asarray`` takes) with equal first dims.

    Raises:
        ValueError: the first dimensions differ ("Size mismatch between tensors").

    Example:
        >>> ds = ft.data.TensorDataset(ft.arange(3), ft.zeros((3, 2)))
        >>> len(ds), ds[1][0].item()
        (3, 1)
    """

    def __init__(self, *tensors: ArrayLike) -> None:
        self.tensors = tuple(ft.asarray(t) for t in tensors)
        if not self.tensors:
            raise ValueError("TensorDataset needs at least one array")
        sizes = [t.shape[0] if t.ndim else None for t in self.tensors]
        if None in sizes or len(set(sizes)) != 1:
            shapes = [tuple(t.shape) for t in self.tensors]
            raise ValueError(f"Size mismatch between tensors: TensorDataset needs arrays with "
                             f"the same first dimension, got shapes {shapes}")

        # Reading rows through NumPy views is ~8x faster than indexing the arrays; it is
        # exact because arrays are immutable, and skipped where autograd or a GPU is involved.
        self._host = None
        if all(t.device.type == "cpu" and not t.requires_grad for t in self.tensors):
            self._host = tuple(np.asarray(t) for t in self.tensors)

    def __getitem__(self, index):
        if self._host is not None:
            return tuple(ft.array(h[index]) for h in self._host)
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order.

    Args:
        dataset: a map-style dataset (anything indexable).
        indices: positions in ``dataset``; ``subset[i]`` is ``dataset[indices[i]]`` and a
            list index fetches ``dataset[[indices[i] for i in idx]]`` in one call.

    Example:
        >>> sub = ft.data.Subset(list("abcd"), [3, 0])
        >>> len(sub), sub[0], sub[1]
        (2, 'd', 'a')
    """

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __len__(self):
        return len(self.indices)


class ConcatDataset(Dataset):
    """The concatenation of map-style datasets: index ``i`` reads the dataset its position
    falls in (``cumulative_sizes`` holds the running lengths).

    Args:
        datasets: an iterable of map-style datasets (each with ``len``).

    Raises:
        ValueError: no datasets; (when indexed) a negative index beyond the length.
        TypeError: an ``IterableDataset`` among them (use ``ChainDataset``).

    Example:
        >>> ds = ft.data.ConcatDataset([[1, 2], [3]])
        >>> len(ds), ds[2], ds[-2], ds.cumulative_sizes
        (3, 3, 2, [2, 3])
    """

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("datasets should not be an empty iterable")
        for dataset in self.datasets:
            if isinstance(dataset, IterableDataset):
                raise TypeError("ConcatDataset does not support IterableDataset; "
                                "use ChainDataset (or iterable_a + iterable_b) instead")
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][idx - start]


class ChainDataset(IterableDataset):
    """Iterable datasets one after the other (lazily: each is iterated when reached).

    Args:
        datasets: an iterable of iterable datasets (or any iterables); ``len`` needs each to
            have one.

    Example:
        >>> list(ft.data.ChainDataset([range(2), range(1)]))
        [0, 1, 0]
    """

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = list(datasets)

    def __iter__(self):
        for dataset in self.datasets:
            yield from dataset

    def __len__(self):
        return sum(len(d) for d in self.datasets)


def _split_lengths(lengths, total):
    if all(isinstance(n, int) for n in lengths) or not math.isclose(sum(lengths), 1):
        if sum(lengths) != total:
            raise ValueError("Sum of input lengths does not equal the length of the input "
                             f"dataset! (lengths {list(lengths)} sum to {sum(lengths)}, "
                             f"the dataset has {total} samples)")
        return [int(n) for n in lengths]
    if any(not 0 <= frac <= 1 for frac in lengths):
        raise ValueError(f"Fraction at index {[0 <= f <= 1 for f in lengths].index(False)} "
                         "is not between 0 and 1")
    sizes = [math.floor(total * frac) for frac in lengths]
    for i in range(total - sum(sizes)):  # PyTorch: the remainder goes round-robin
        sizes[i % len(sizes)] += 1
    for i, size in enumerate(sizes):
        if size == 0:
            warnings.warn(f"Length of split at index {i} is 0. This might result in an empty "
                          "dataset.", UserWarning, stacklevel=3)
    return sizes


def random_split(dataset: Any, lengths: Sequence[int | float], generator: Any = None, *,
                 seed: int | None = None) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random :class:`Subset` objects.

    Args:
        dataset: a map-style dataset.
        lengths: the sizes of the splits, or fractions summing to 1 (the remainder of the
            floors goes round-robin to the first splits, as in PyTorch).
        generator: an ``ft.random`` key or a ``numpy.random.Generator``.
        seed: an int seed. Without ``generator`` and ``seed`` the permutation follows
            ``ft.manual_seed`` (the global generator).

    Returns:
        A list of ``Subset`` objects.

    Raises:
        ValueError: lengths that do not add up to ``len(dataset)``, fractions outside [0, 1].

    Example:
        >>> train, val = ft.data.random_split(range(10), [0.8, 0.2], seed=0)
        >>> len(train), len(val)
        (8, 2)
    """
    sizes = _split_lengths(list(lengths), len(dataset))
    key = epoch_key(resolve_key_data(generator, seed, "random_split"), 0)
    order = permutation(key, sum(sizes))
    offsets = itertools.accumulate(sizes)
    return [Subset(dataset, order[end - size:end]) for size, end in zip(sizes, offsets)]
