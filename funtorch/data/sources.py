"""Pipeline sources and the base classes of every stage (see ``stages.py``)."""

from __future__ import annotations

from funtorch.data.dataset import IterableDataset
from funtorch.data.iterators import add_note
from funtorch.data.seeding import path_key, permutation

NO_LEN_MSG = "len() of this Pipeline is not defined: {}"


class Node:
    """Base class of pipeline nodes: ``upstream`` (None for a source) and ``open``."""

    upstream = None

    def open(self, epoch, state):
        raise NotImplementedError

    def length(self):
        return self.upstream.length()


class Stage:
    """Base class of stage iterators."""

    def __iter__(self):
        return self

    def close(self):
        if getattr(self, "up", None) is not None:
            self.up.close()


class DatasetSource(Node):
    """``dataset[i]`` in index order, or in a new random order per epoch (``shuffle``)."""

    def __init__(self, dataset, shuffle, key):
        self.dataset, self.shuffle, self.key = dataset, shuffle, key

    def open(self, epoch, state):
        if isinstance(self.dataset, IterableDataset):
            return IterSource(lambda: iter(self.dataset), state, "the dataset")
        order = range(len(self.dataset))
        if self.shuffle:
            key = state["key"] if state else self.key
            order = permutation(path_key(key, epoch), len(self.dataset))
            return IndexedSource(self.dataset, order, state["pos"] if state else 0, key)
        return IndexedSource(self.dataset, order, state["pos"] if state else 0)

    def length(self):
        return len(self.dataset)


class IndexedSource(Stage):
    __slots__ = ("dataset", "order", "pos", "key")

    def __init__(self, dataset, order, pos, key=None):
        self.dataset, self.order, self.pos, self.key = dataset, order, int(pos), key

    def __next__(self):
        pos = self.pos
        if pos >= len(self.order):
            raise StopIteration
        self.pos = pos + 1
        try:
            return self.dataset[self.order[pos]]
        except Exception as exc:
            add_note(exc, f"(raised by the Pipeline while loading sample index "
                          f"{self.order[pos]})")
            raise

    def state(self):
        return {"pos": self.pos} if self.key is None else {"pos": self.pos, "key": self.key}


class IterableSource(Node):
    """Elements of an iterable; re-iterated every epoch (a one-shot iterator runs once)."""

    def __init__(self, iterable):
        self.iterable = iterable
        self.one_shot = hasattr(iterable, "__next__")  # an iterator, not a re-iterable
        if not hasattr(iterable, "__iter__") and not callable(iterable):
            raise TypeError("Pipeline.from_iterable: expected an iterable or a function "
                            f"returning an iterator, got {type(iterable).__name__}")

    def _iterator(self):
        if hasattr(self.iterable, "__iter__"):
            return iter(self.iterable)
        return iter(self.iterable())

    def open(self, epoch, state):
        if self.one_shot and state and state.get("pos"):
            raise ValueError("Pipeline.from_iterable got a one-shot iterator, which cannot be "
                             "rewound to restore a state; pass a re-iterable (a list, a "
                             "range, a Dataset) or a function returning a fresh iterator")
        return IterSource(self._iterator, state, type(self.iterable).__name__)

    def length(self):
        if not hasattr(self.iterable, "__len__"):
            raise TypeError(NO_LEN_MSG.format(f"its source ({type(self.iterable).__name__}) "
                                              "has no len()"))
        return len(self.iterable)


class IterSource(Stage):
    """Counts elements; restores by skipping, or through the iterator's own ``restore``."""

    def __init__(self, make_iterator, state, what):
        self.it = make_iterator()
        self.pos = 0
        self.inner = hasattr(self.it, "state") and hasattr(self.it, "restore")
        if state and self.inner and state.get("inner") is not None:
            self.it.restore(state["inner"])
        elif state and state.get("pos"):
            for _ in range(state["pos"]):
                if next(self.it, _END) is _END:
                    break
            self.pos = int(state["pos"])

    def __next__(self):
        sample = next(self.it)
        self.pos += 1
        return sample

    def state(self):
        if self.inner:
            return {"inner": self.it.state()}
        return {"pos": self.pos}

    def close(self):
        close = getattr(self.it, "close", None)
        if self.inner and close is not None:
            close()


_END = object()
