"""Fetchers turn a task (a list of indices, or "the next batch") into a collated batch.

The same fetchers run in the main process (``num_workers=0``) and in workers, so both
produce identical batches. On failure a fetcher names the sample it was loading in
``failed`` before re-raising, which is how errors carry the failing index.
"""

from __future__ import annotations


class MapFetcher:
    """Batches of a map-style dataset from lists of indices (or one index, no batching)."""

    def __init__(self, dataset, auto_collation, collate_fn):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.failed = ""

    def fetch(self, indices):
        dataset = self.dataset
        if not self.auto_collation:
            try:
                return self.collate_fn(dataset[indices])
            except Exception:
                self.failed = f"sample index {indices}"
                raise
        getitems = getattr(dataset, "__getitems__", None)
        if getitems is not None:
            try:
                samples = getitems(indices)
            except Exception:
                self.failed = f"sample indices {indices} (__getitems__)"
                raise
        else:
            samples = []
            for index in indices:
                try:
                    samples.append(dataset[index])
                except Exception:
                    self.failed = f"sample index {index}"
                    raise
        try:
            return self.collate_fn(samples)
        except Exception:
            self.failed = f"the batch of sample indices {indices} (in collate_fn)"
            raise


class IterableFetcher:
    """Batches of an iterable-style dataset, in order; ``StopIteration`` at its end."""

    def __init__(self, dataset, auto_collation, collate_fn, batch_size, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.failed = ""
        self.reset()

    def reset(self):
        """Start again from a fresh ``iter(dataset)`` (on the next fetch)."""
        self._samples = None
        self.count = 0

    def _next_sample(self):
        if self._samples is None:
            self._samples = iter(self.dataset)
        try:
            sample = next(self._samples)
        except StopIteration:
            raise
        except Exception:
            self.failed = f"sample {self.count} of the dataset's iterator"
            raise
        self.count += 1
        return sample

    def _next_samples(self):
        samples = []
        for _ in range(self.batch_size):
            try:
                samples.append(self._next_sample())
            except StopIteration:
                break
        if not samples or (self.drop_last and len(samples) < self.batch_size):
            raise StopIteration
        return samples

    def fetch(self, _task=None):
        if not self.auto_collation:
            sample = self._next_sample()
            try:
                return self.collate_fn(sample)
            except Exception:
                self.failed = f"sample {self.count - 1} of the dataset's iterator (in collate_fn)"
                raise
        samples = self._next_samples()
        try:
            return self.collate_fn(samples)
        except Exception:
            self.failed = (f"samples {self.count - len(samples)}..{self.count - 1} of the "
                           "dataset's iterator (in collate_fn)")
            raise

    def skip(self, batches):
        """Drop ``batches`` batches without collating them (restoring a position)."""
        for _ in range(batches):
            if self.auto_collation:
                self._next_samples()
            else:
                self._next_sample()
