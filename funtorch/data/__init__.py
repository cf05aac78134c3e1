"""``ft.data``: datasets, samplers, ``DataLoader`` and a resumable iterator ``Pipeline``.

PyTorch-style loading (``DataLoader(dataset, batch_size, shuffle, num_workers, ...)``) and
functional pipelines whose iterators checkpoint with ``state()``/``restore(state)``. See
``funtorch/data/README.md`` for the guarantees (ordering, reproducibility, resumption,
worker errors and shutdown).

Example:
    >>> loader = ft.data.DataLoader(ft.data.TensorDataset(ft.arange(6)), batch_size=4)
    >>> [x.shape for (x,) in loader]
    [(4,), (2,)]
"""

from funtorch.data.collate import default_collate, default_convert  # noqa: F401
from funtorch.data.dataset import (  # noqa: F401
    ChainDataset, ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset, random_split,
)
from funtorch.data.distributed_sampler import DistributedSampler  # noqa: F401
from funtorch.data.iterators import DataLoaderIterator  # noqa: F401
from funtorch.data.loader import DataLoader  # noqa: F401
from funtorch.data.pipeline import Pipeline, PipelineIterator  # noqa: F401
from funtorch.data.sampler import (  # noqa: F401
    BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
    WeightedRandomSampler,
)
from funtorch.data.worker import WorkerInfo, get_worker_info  # noqa: F401

__all__ = [
    "Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset", "ChainDataset",
    "random_split", "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
    "WeightedRandomSampler", "BatchSampler", "default_collate", "default_convert",
    "DataLoader", "DataLoaderIterator", "get_worker_info", "WorkerInfo", "Pipeline",
    "PipelineIterator", "DistributedSampler",
]
