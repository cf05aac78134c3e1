"""Data loading: DataLoader throughput with a slow dataset, and the Pipeline's per-element cost.

One step is one epoch of 320 samples, so the ratio column reads as a slowdown (or, for
the worker rows, a speed-up) against the baseline:

- ``numpy``: the hand-written loop, ``dataset[i]`` for each index and ``np.stack`` per
  batch of 16, no DataLoader;
- ``loader-w0`` / ``loader-w2``: ``ft.data.DataLoader(batch_size=16)`` with
  ``num_workers=0`` and with ``num_workers=2`` (``persistent_workers=True``, so the
  spawned workers start once, in the untimed first step, and the timed epochs measure
  steady-state throughput);
- ``pipeline-map`` / ``python-loop``: ``ft.data.Pipeline.from_iterable(range(320))
  .map(lambda x: x)`` against a bare Python loop over the same range, both collected
  into a list. These two rows do not sleep: their difference divided by 320 is the
  pipeline's overhead per element.

Each sample's ``__getitem__`` sleeps 2 ms (:class:`SlowDataset`), standing in for a
file read or decode that releases the GIL. The dataset class is defined here at module
level so that spawned workers can unpickle it: they import ``workloads.data`` from the
``sys.path`` that ``multiprocessing``'s spawn start method copies from the parent
(``bench/run.py`` puts ``bench/`` on it). Peak memory is not measured: the work is
sleeping and the worker processes are invisible to ``tracemalloc``.
"""

from __future__ import annotations

import time

import numpy as np

from workloads.base import Impl

WALL_CLOCK_ONLY = True  # sleeps and worker processes: CPU time would miss them
NAME = "data"
DESCRIPTION = ("one 320-sample epoch, batch 16, __getitem__ sleeps 2 ms: hand loop vs "
               "DataLoader num_workers=0/2; Pipeline identity map vs Python loop (no sleep)")

EPOCH = 320
BATCH = 16
DELAY = 0.002  # seconds slept by each __getitem__
FEATURES = 8
WORKERS = 2


class SlowDataset:
    """Map-style dataset whose ``__getitem__`` sleeps ``delay`` seconds.

    Sample ``i`` is ``(i, features)`` with ``features`` a float32 vector filled with
    ``i``, so every batch says which samples it holds.

    Example:
        >>> index, features = SlowDataset(4, delay=0.0)[3]
        >>> index, features.shape, float(features[0])
        (3, (8,), 3.0)
    """

    def __init__(self, length=EPOCH, delay=DELAY):
        self.length = length
        self.delay = delay

    def __len__(self):
        return self.length

    def __getitem__(self, index):
        if not 0 <= index < self.length:
            raise IndexError(f"SlowDataset index {index} out of range for length {self.length}")
        if self.delay:
            time.sleep(self.delay)
        return index, np.full(FEATURES, index, np.float32)


def load_by_hand(dataset, batch_size=BATCH):
    """The baseline: every batch's samples by index, stacked with NumPy.

    Example:
        >>> [ids.tolist() for ids, _ in load_by_hand(SlowDataset(5, delay=0.0), 2)]
        [[0, 1], [2, 3], [4]]
    """
    batches = []
    for start in range(0, len(dataset), batch_size):
        samples = [dataset[i] for i in range(start, min(start + batch_size, len(dataset)))]
        batches.append((np.array([index for index, _ in samples]),
                        np.stack([features for _, features in samples])))
    return batches


def _make_numpy():
    dataset = SlowDataset()
    return (lambda: load_by_hand(dataset)), _fetch_batches


def _make_loader(num_workers):
    def make():
        import funtorch as ft

        options = {"persistent_workers": True} if num_workers else {}
        loader = ft.data.DataLoader(SlowDataset(), batch_size=BATCH, num_workers=num_workers,
                                    **options)
        return (lambda: list(loader)), _fetch_batches
    return make


def _make_pipeline():
    import funtorch as ft

    pipeline = ft.data.Pipeline.from_iterable(range(EPOCH)).map(lambda x: x)
    return (lambda: [x for x in pipeline]), _fetch_ids


def _make_python_loop():
    elements = range(EPOCH)
    # A comprehension, not list(range): the bare row must pay for a Python-level loop too.
    return (lambda: [x for x in elements]), _fetch_ids


def _fetch_batches(batches):
    """The sample ids in delivery order, checked against each batch's features."""
    ids = []
    for index, features in batches:
        index, features = np.asarray(index), np.asarray(features)
        np.testing.assert_array_equal(features, np.repeat(index[:, None], FEATURES, axis=1),
                                      err_msg="data: a batch's features do not match its ids")
        ids.extend(index.tolist())
    return ids


def _fetch_ids(elements):
    return [int(x) for x in elements]


IMPLEMENTATIONS = (
    Impl("numpy", _make_numpy),
    Impl("loader-w0", _make_loader(0)),
    Impl(f"loader-w{WORKERS}", _make_loader(WORKERS)),
    Impl("pipeline-map", _make_pipeline),
    Impl("python-loop", _make_python_loop),
)


def check():
    """Assert that every loader yields each sample exactly once, in order, in full batches.

    Runs the hand-written loop and ``DataLoader`` with ``num_workers=0`` and ``2`` (spawned
    workers, which must import this module) on a 50-sample dataset that does not sleep, so
    the last batch is partial.

    Returns:
        A one-line summary of what was checked.

    Raises:
        AssertionError: if some loader drops, repeats or reorders a sample, or batches
            them differently.
    """
    import funtorch as ft

    dataset = SlowDataset(50, delay=0.0)
    want = list(range(50))
    sizes = [BATCH, BATCH, BATCH, 50 - 3 * BATCH]
    runs = {"hand loop": load_by_hand(dataset)}
    for workers in (0, WORKERS):
        runs[f"num_workers={workers}"] = list(ft.data.DataLoader(dataset, batch_size=BATCH,
                                                                 num_workers=workers))
    for name, batches in runs.items():
        assert [len(ids) for ids, _ in batches] == sizes, f"data: {name} batch sizes"
        assert _fetch_batches(batches) == want, f"data: {name} does not yield 0..49 in order"
    pipeline = ft.data.Pipeline.from_iterable(range(50)).map(lambda x: x)
    assert _fetch_ids(pipeline) == want, "data: Pipeline identity map does not yield 0..49"
    return (f"hand loop, DataLoader num_workers=0 and {WORKERS} and Pipeline yield every sample "
            "once, in order")


def compare(result, reference):
    """Assert one implementation yielded the same sample ids, in the same order."""
    assert result == reference, (f"data: sample ids differ from the baseline's: first "
                                 f"{result[:8]}..., expected {reference[:8]}...")
