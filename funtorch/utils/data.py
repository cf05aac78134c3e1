"""``torch.utils.data`` spellings: the same objects as :mod:`funtorch.data` (one
implementation, two import paths)."""

from funtorch.data import (  # noqa: F401
    BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset, IterableDataset,
    RandomSampler, Sampler, SequentialSampler, Subset, SubsetRandomSampler, TensorDataset,
    WeightedRandomSampler, default_collate, default_convert, get_worker_info, random_split,
)
