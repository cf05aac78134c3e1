"""Dataset containers and random_split."""

import numpy as np
import pytest

import funtorch as ft
from funtorch.data import (
    ChainDataset, ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset, random_split,
)


def test_base_classes_say_what_to_implement():
    with pytest.raises(NotImplementedError, match="should implement __getitem__"):
        Dataset()[0]
    with pytest.raises(NotImplementedError, match="should implement __iter__"):
        iter(IterableDataset())


def test_tensor_dataset_indexes_every_array():
    x, y = ft.arange(12).reshape(4, 3), ft.array([0, 1, 0, 1])
    ds = TensorDataset(x, y)
    assert len(ds) == 4
    row, label = ds[2]
    assert row.tolist() == [6, 7, 8] and label.item() == 0
    with pytest.raises(ValueError, match="Size mismatch between tensors"):
        TensorDataset(ft.zeros(3), ft.zeros(4))


def test_subset_and_concat_index_like_pytorch():
    sub = Subset(list("abcdef"), [5, 1, 3])
    assert len(sub) == 3 and [sub[i] for i in range(3)] == ["f", "b", "d"]
    cat = ConcatDataset([[0, 1], [2], [3, 4, 5]])
    assert len(cat) == 6 and [cat[i] for i in range(6)] == list(range(6)) and cat[-1] == 5
    with pytest.raises(ValueError, match="absolute value of index should not exceed"):
        cat[-7]
    with pytest.raises(ValueError, match="datasets should not be an empty iterable"):
        ConcatDataset([])
    with pytest.raises(TypeError, match="does not support IterableDataset"):
        ConcatDataset([ChainDataset([])])


def test_adding_datasets_concatenates_or_chains():
    class Letters(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return "ab"[i]

    both = Letters() + Letters()
    assert isinstance(both, ConcatDataset) and [both[i] for i in range(4)] == list("abab")

    class Count(IterableDataset):
        def __iter__(self):
            return iter(range(2))

    assert list(Count() + Count()) == [0, 1, 0, 1]


def test_random_split_partitions_reproducibly():
    parts = random_split(range(10), [3, 7], seed=0)
    assert [len(p) for p in parts] == [3, 7]
    together = sorted(i for p in parts for i in p.indices)
    assert together == list(range(10))
    again = random_split(range(10), [3, 7], seed=0)
    assert [p.indices for p in parts] == [p.indices for p in again]
    other = random_split(range(10), [3, 7], seed=1)
    assert [p.indices for p in parts] != [p.indices for p in other]
    keyed = random_split(range(10), [3, 7], generator=ft.random.key(0))
    assert [p.indices for p in keyed] == [p.indices for p in parts]


def test_random_split_fractions_distribute_the_remainder_like_pytorch():
    assert [len(p) for p in random_split(range(10), [0.33, 0.33, 0.34], seed=0)] == [4, 3, 3]
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(range(2), [1.0, 0.0], seed=0)


def test_random_split_without_seed_follows_manual_seed():
    ft.manual_seed(3)
    first = [p.indices for p in random_split(range(20), [0.5, 0.5])]
    ft.manual_seed(3)
    assert [p.indices for p in random_split(range(20), [0.5, 0.5])] == first


def test_random_split_errors():
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length"):
        random_split(range(5), [2, 2])
    with pytest.raises(ValueError, match="pass generator or seed, not both"):
        random_split(range(5), [2, 3], generator=np.random.default_rng(0), seed=0)
