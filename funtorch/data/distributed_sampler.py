"""``DistributedSampler``: each rank's share of a dataset, torch's padding rule.

The epoch order is a pure function of (``seed``, epoch), never of the global generator, so
every rank computes the same permutation and takes every ``num_replicas``-th index from
its ``rank``. The sampler is resumable two ways: ``resume(state)`` (what ``DataLoader``
iterators restore through) and torch-style ``state_dict()``/``load_state_dict()`` (the
epoch and how many indices the current epoch has yielded).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sized
from typing import Any

import numpy as np

from funtorch.data.sampler import IndexIterator, Sampler
from funtorch.data.seeding import epoch_key, key_data, permutation

__all__ = ["DistributedSampler"]


def _group_default(value, what):
    if value is not None:
        return value
    import funtorch.distributed as dist

    return dist.get_rank() if what == "rank" else dist.get_world_size()


class DistributedSampler(Sampler):
    """Indices of ``dataset`` for one rank of ``num_replicas`` (torch's
    ``torch.utils.data.distributed.DistributedSampler``).

    Each epoch shuffles ``range(len(dataset))`` (with ``shuffle``) by (``seed``, epoch).
    Without ``drop_last`` the order is padded with its own first indices to a multiple of
    ``num_replicas`` (so every rank gets ``ceil(len / num_replicas)`` indices; a few
    samples are seen twice); with it, the tail is dropped (``floor``). Rank ``r`` takes
    positions ``r, r + num_replicas, ...``. Call ``set_epoch(e)`` before each epoch:
    without it every epoch has the same order, as in torch.

    Args:
        dataset: the dataset (only its ``len`` is used).
        num_replicas: the number of ranks (default ``ft.distributed.get_world_size()``).
        rank: this rank (default ``ft.distributed.get_rank()``).
        shuffle: shuffle every epoch (default True).
        seed: the base seed; the same on every rank (default 0).
        drop_last: drop the tail instead of padding (default False).

    Raises:
        ValueError: ``rank`` outside ``[0, num_replicas - 1]``, ``num_replicas < 1``.

    Example:
        >>> [list(ft.data.DistributedSampler(range(5), 2, r, shuffle=False)) for r in (0, 1)]
        [[0, 2, 4], [1, 3, 0]]
    """

    def __init__(self, dataset: Sized, num_replicas: int | None = None, rank: int | None = None,
                 shuffle: bool = True, seed: int = 0, drop_last: bool = False) -> None:
        num_replicas = _group_default(num_replicas, "num_replicas")
        rank = _group_default(rank, "rank")
        if not isinstance(num_replicas, (int, np.integer)) or num_replicas < 1:
            raise ValueError(f"DistributedSampler: num_replicas must be a positive int, got "
                             f"{num_replicas!r}")
        if not isinstance(rank, (int, np.integer)) or not 0 <= rank < num_replicas:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval "
                             f"[0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = int(num_replicas)
        self.rank = int(rank)
        self.shuffle = bool(shuffle)
        self.seed = int(seed)
        self.drop_last = bool(drop_last)
        self.epoch = 0
        self._key = key_data(None, self.seed, "DistributedSampler")
        self._iterator = None
        self._start = 0

    @property
    def num_samples(self) -> int:
        """How many indices each rank gets per epoch."""
        n = len(self.dataset)
        if self.drop_last and n % self.num_replicas:
            return math.ceil((n - self.num_replicas) / self.num_replicas)
        return math.ceil(n / self.num_replicas)

    @property
    def total_size(self) -> int:
        """How many indices all ranks get together per epoch (padded or dropped)."""
        return self.num_samples * self.num_replicas

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Make the next iteration epoch ``epoch`` (call it on every rank with the same
        value before each epoch).

        Args:
            epoch: the epoch number (an int); the shuffle depends only on it and ``seed``.

        Example:
            >>> s = ft.data.DistributedSampler(range(6), 2, 0, seed=1)
            >>> first = list(s); s.set_epoch(0); list(s) == first
            True
        """
        self.epoch = int(epoch)

    def _order(self, epoch):
        n = len(self.dataset)
        order = permutation(epoch_key(self._key, epoch), n) if self.shuffle else list(range(n))
        total = self.total_size
        if self.drop_last:
            order = order[:total]
        elif n:
            order = (order * math.ceil(total / n))[:total]
        return order[self.rank:total:self.num_replicas]

    def __iter__(self):
        start, self._start = self._start, 0
        return self.resume({"epoch": self.epoch, "pos": start})

    def resume(self, state: Mapping[str, Any]) -> IndexIterator:
        """An iterator at ``state`` (an iterator's ``state()``: epoch and position).

        Args:
            state: the dict an iterator's ``state()`` returned (``{"epoch", "pos"}``).

        Returns:
            An iterator on this rank's remaining indices of that epoch.

        Example:
            >>> s = ft.data.DistributedSampler(range(6), 2, 1, shuffle=False)
            >>> list(s.resume({"epoch": 0, "pos": 1}))  # rank 1 of 2: 1, 3, 5
            [3, 5]
        """
        self.epoch = int(state["epoch"])
        self._iterator = IndexIterator(self._order(self.epoch), state["pos"],
                                       {"epoch": self.epoch})
        return self._iterator

    def state_dict(self) -> dict:
        """The epoch and how many indices of it the last iterator has yielded (a
        ``DataLoader`` draws indices ahead of the batches it has delivered: to resume a
        loader exactly, save its iterator's ``state()`` and ``restore`` it instead).

        Returns:
            ``{"epoch", "yielded", "seed", "num_replicas", "rank"}``, plain ints.

        Example:
            >>> s = ft.data.DistributedSampler(range(8), 2, 0); it = iter(s); _ = next(it)
            >>> s.state_dict()
            {'epoch': 0, 'yielded': 1, 'seed': 0, 'num_replicas': 2, 'rank': 0}
        """
        yielded = 0 if self._iterator is None else self._iterator.state()["pos"]
        return {"epoch": self.epoch, "yielded": yielded, "seed": self.seed,
                "num_replicas": self.num_replicas, "rank": self.rank}

    def load_state_dict(self, state: dict) -> None:
        """Resume from :meth:`state_dict`: the next ``iter()`` continues that epoch after
        the indices already yielded.

        Args:
            state: a dict :meth:`state_dict` returned (``"yielded"`` may be left out).

        Raises:
            ValueError: a state saved with another ``seed`` or ``num_replicas``.

        Example:
            >>> s = ft.data.DistributedSampler(range(8), 2, 0, shuffle=False)
            >>> s.load_state_dict({"epoch": 3, "yielded": 2}); list(s)  # 0, 2 were seen
            [4, 6]
        """
        for name in ("seed", "num_replicas"):
            if name in state and state[name] != getattr(self, name):
                raise ValueError(f"DistributedSampler.load_state_dict: the state was saved "
                                 f"with {name}={state[name]}, this sampler has "
                                 f"{name}={getattr(self, name)}")
        self.epoch = int(state["epoch"])
        self._start = int(state.get("yielded", 0))
