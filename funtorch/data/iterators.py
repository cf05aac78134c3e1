"""The iterator a ``DataLoader`` returns, and its single-process batch source.

A *source* produces ``(batch, snapshot)`` pairs for one epoch, where ``snapshot`` is the
index stream's ``state()`` right after that batch (None when the sampler has none). The
public :class:`DataLoaderIterator` counts delivered batches and keeps the snapshot of the
last one, so ``state()`` is exact even when a source or the copy thread works ahead.
"""

from __future__ import annotations

from typing import Any

from funtorch.data.background import Background
from funtorch.data.fetch import IterableFetcher, MapFetcher

STATE_MSG = ("DataLoader iterator restore: expected the dict returned by state() (keys "
             "'epoch', 'batches', 'sampler'), got {!r}")


def open_indices(index_sampler, state):
    """The index stream of an epoch: fresh (``state`` None), resumed exactly, or replayed.

    Replaying (a sampler without ``resume``) iterates the sampler again and skips the
    batches already delivered; it is exact when the sampler's order is reproducible.
    """
    if state is None:
        return iter(index_sampler)
    if state["sampler"] is not None and hasattr(index_sampler, "resume"):
        return index_sampler.resume(state["sampler"])
    stream = iter(index_sampler)
    for _ in range(state["batches"]):
        if next(stream, None) is None:
            break
    return stream


def add_note(exc, text):
    """Attach ``text`` to an exception's report (Python 3.11+; ignored before)."""
    note = getattr(exc, "add_note", None)
    if note is not None:
        note(text)


class SingleProcessSource:
    """Loads batches in the calling process (``num_workers=0``)."""

    def __init__(self, loader):
        self._loader = loader
        if loader.iterable:
            self._fetcher = IterableFetcher(loader.dataset, loader.auto_collation,
                                            loader.collate_fn, loader.batch_size,
                                            loader.drop_last)
        else:
            self._fetcher = MapFetcher(loader.dataset, loader.auto_collation, loader.collate_fn)
        self._state = None
        self._stream = None

    def start(self, state):
        """Begin an epoch (``state`` None) or resume one; nothing is drawn until ``next``."""
        self._state = state
        self._stream = None
        self.start_snapshot = None
        if self._loader.iterable:
            self._fetcher.reset()

    def prepare(self):
        """Open the epoch's index stream now (it draws the sampler's randomness)."""
        if self._stream is None:
            self._open()

    def _open(self):
        if self._loader.iterable:
            self._fetcher.skip(self._state["batches"] if self._state else 0)
            self._stream = True
        else:
            self._stream = open_indices(self._loader.index_sampler, self._state)
            self._snapshot = getattr(self._stream, "state", None)
            self.start_snapshot = None if self._snapshot is None else self._snapshot()

    def next(self):
        if self._stream is None:
            self._open()
        fetcher = self._fetcher
        if self._loader.iterable:
            task, snapshot = None, None
        else:
            task = next(self._stream)
            snapshot = None if self._snapshot is None else self._snapshot()
        try:
            return fetcher.fetch(task), snapshot
        except StopIteration:
            raise
        except Exception as exc:
            add_note(exc, f"(raised by the DataLoader while loading {fetcher.failed})")
            raise

    def close(self):
        pass


class DataLoaderIterator:
    """Iterates one epoch of a ``DataLoader``; ``state()``/``restore()`` checkpoint it.

    ``state()`` is a small JSON-able dict: the epoch number, the number of batches
    delivered, and the sampler's position. ``restore(state)`` on a fresh iterator of an
    equivalent loader continues with the exact next batch.

    ``iter(loader)`` makes it; it is not meant to be constructed directly.

    Args:
        loader: the ``DataLoader`` it iterates.
        source: where its batches come from: the single-process source
            (``num_workers=0``) or the worker pool's, each yielding ``(batch, snapshot)``.
        epoch: the number of the epoch it delivers (``state()["epoch"]``).

    Example:
        >>> it = iter(ft.data.DataLoader(range(10), batch_size=4, shuffle=True, seed=0))
        >>> first = next(it); saved = it.state(); second = next(it).tolist()
        >>> it2 = iter(ft.data.DataLoader(range(10), batch_size=4, shuffle=True, seed=0))
        >>> it2.restore(saved); next(it2).tolist() == second
        True
    """

    def __init__(self, loader: Any, source: Any, epoch: int) -> None:
        self._loader = loader
        self._source = source
        self._copier = None
        self._begin(epoch, None)

    def _begin(self, epoch, state):
        self._close_copier()
        self._epoch = epoch
        self._batches = 0 if state is None else int(state["batches"])
        self._snapshot = None if state is None else state["sampler"]
        self._source.start(state)
        if self._loader.pin_device is not None:
            self._source.prepare()  # draw the epoch's randomness here, not in the thread
            self._copier = Background(_CopyingProducer(self._source, self._loader.pin_device),
                                      depth=2, name="funtorch-pin-memory")

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def __next__(self):
        if self._copier is not None:
            batch, snapshot = self._copier.next()
        else:
            batch, snapshot = self._source.next()
        self._batches += 1
        self._snapshot = snapshot
        return batch

    def state(self) -> dict:
        """Where this iterator is, for :meth:`restore`.

        Returns:
            A JSON-able dict: ``"epoch"``, ``"batches"`` (delivered so far) and
            ``"sampler"`` (the index stream's position after the last batch).

        Example:
            >>> it = iter(ft.data.DataLoader(range(6), batch_size=2))
            >>> _ = next(it)
            >>> it.state()["epoch"], it.state()["batches"]
            (0, 1)
        """
        if self._snapshot is None and not self._loader.iterable:
            # Nothing delivered yet: fix the epoch's order now so the state can name it.
            self._source.prepare()
            self._snapshot = self._source.start_snapshot
        return {"epoch": self._epoch, "batches": self._batches, "sampler": self._snapshot}

    def restore(self, state: dict) -> None:
        """Continue from ``state`` (from :meth:`state`) with the exact next batch.

        Args:
            state: a dict :meth:`state` returned (by an iterator of an equivalent loader).

        Raises:
            ValueError: ``state`` is not a dict returned by ``state()``.

        Example:
            >>> loader = ft.data.DataLoader(range(6), batch_size=2)
            >>> it = iter(loader); _ = next(it); saved = it.state()
            >>> again = iter(loader); again.restore(saved); [b.tolist() for b in again]
            [[2, 3], [4, 5]]
        """
        if not isinstance(state, dict) or not {"epoch", "batches", "sampler"} <= set(state):
            raise ValueError(STATE_MSG.format(state))
        self._loader._set_next_epoch(int(state["epoch"]) + 1)
        self._begin(int(state["epoch"]), state)

    def _source_alive(self):
        return getattr(self._source, "alive", True)

    def _reset(self, epoch):
        """Start the loader's epoch ``epoch`` on this iterator (persistent workers)."""
        self._begin(epoch, None)

    def _close_copier(self):
        if self._copier is not None:
            self._copier.close()
            self._copier = None

    def close(self) -> None:
        """Stop background threads and worker processes now (also done on deletion).

        Example:
            >>> it = iter(ft.data.DataLoader(range(6), batch_size=2))
            >>> next(it).tolist()
            [0, 1]
            >>> it.close()
        """
        self._close_copier()
        self._source.close()


class _CopyingProducer:
    """What the pin-memory thread runs: the next batch, copied to the GPU."""

    def __init__(self, source, device):
        from funtorch.data.device import PinnedCopier

        self._source = source
        self._copy = PinnedCopier(device)

    def __call__(self):
        batch, snapshot = self._source.next()
        return self._copy(batch), snapshot
