"""Samplers: orders, reproducibility per seed and epoch, errors, and the resume contract."""

import json

import numpy as np
import pytest

import funtorch as ft
from funtorch.data import (
    BatchSampler, RandomSampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler,
)

SAMPLERS = {
    "sequential": lambda: SequentialSampler(range(11)),
    "random": lambda: RandomSampler(range(11), seed=0),
    "random_replacement": lambda: RandomSampler(range(11), replacement=True, seed=0),
    "random_more_samples": lambda: RandomSampler(range(5), num_samples=13, seed=0),
    "subset_random": lambda: SubsetRandomSampler([3, 9, 4, 1, 7], seed=0),
    "weighted": lambda: WeightedRandomSampler([1, 2, 3, 0, 5], 9, seed=0),
    "weighted_no_replacement": lambda: WeightedRandomSampler([1, 2, 3, 0, 5], 4,
                                                             replacement=False, seed=0),
    "batch": lambda: BatchSampler(RandomSampler(range(11), seed=0), 3, drop_last=False),
}


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_every_sampler_resumes_exactly_at_every_position(name):
    sampler = SAMPLERS[name]()
    sampler_len = len(sampler)
    reference = list(SAMPLERS[name]())
    assert len(reference) == sampler_len
    for stop in range(len(reference) + 1):
        it = iter(SAMPLERS[name]())
        head = [next(it) for _ in range(stop)]
        state = json.loads(json.dumps(it.state()))
        assert head + list(SAMPLERS[name]().resume(state)) == reference


@pytest.mark.parametrize("name", [n for n in sorted(SAMPLERS) if n != "sequential"])
def test_random_samplers_differ_per_epoch_and_repeat_per_seed(name):
    sampler = SAMPLERS[name]()
    epochs = [list(sampler) for _ in range(3)]
    assert epochs[0] != epochs[1] != epochs[2]
    again = SAMPLERS[name]()
    assert [list(again) for _ in range(3)] == epochs
    again.set_epoch(1) if hasattr(again, "set_epoch") else again.sampler.set_epoch(1)
    assert list(again) == epochs[1]


def test_random_sampler_is_a_permutation_and_follows_manual_seed():
    assert sorted(RandomSampler(range(50), seed=4)) == list(range(50))
    ft.manual_seed(0)
    sampler = RandomSampler(range(20))
    first = [list(sampler), list(sampler)]
    ft.manual_seed(0)
    sampler = RandomSampler(range(20))
    assert [list(sampler), list(sampler)] == first
    assert first[0] != first[1]


def test_random_sampler_num_samples_and_replacement():
    chained = list(RandomSampler(range(4), num_samples=10, seed=1))
    assert len(chained) == 10 and sorted(chained[:4]) == sorted(chained[4:8]) == list(range(4))
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=200, seed=1))
    assert set(drawn) == {0, 1, 2}


def test_weighted_sampler_follows_weights():
    drawn = np.array(list(WeightedRandomSampler([1.0, 0.0, 3.0], 4000, seed=0)))
    assert not np.any(drawn == 1)
    assert abs(np.mean(drawn == 2) - 0.75) < 0.03
    unique = list(WeightedRandomSampler([1, 1, 0, 1], 3, replacement=False, seed=0))
    assert sorted(unique) == [0, 1, 3]


def test_batch_sampler_sizes_and_len():
    assert list(BatchSampler(range(7), 3, drop_last=False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(BatchSampler(range(7), 3, drop_last=True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(BatchSampler(range(7), 3, False)) == 3 and len(BatchSampler(range(7), 3, True)) == 2


@pytest.mark.parametrize("make, message", [
    (lambda: BatchSampler(range(3), 0, False),
     "batch_size should be a positive integer value, but got batch_size=0"),
    (lambda: BatchSampler(range(3), 2, 1), "drop_last should be a boolean value, but got"),
    (lambda: RandomSampler(range(3), replacement=1),
     "replacement should be a boolean value, but got replacement=1"),
    (lambda: RandomSampler(range(3), num_samples=0),
     "num_samples should be a positive integer value, but got num_samples=0"),
    (lambda: WeightedRandomSampler([[1.0]], 1), "weights should be a 1d sequence"),
    (lambda: WeightedRandomSampler([1.0, -1.0], 1), "non-negative finite"),
    (lambda: WeightedRandomSampler([1.0, 0.0], 2, replacement=False),
     "cannot sample num_samples=2 indices without replacement"),
])
def test_sampler_errors_use_pytorch_wording(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_generator_and_seed_types():
    with pytest.raises(TypeError, match="generator must be an ft.random key"):
        RandomSampler(range(3), generator=3)
    with pytest.raises(TypeError, match="seed must be an int"):
        RandomSampler(range(3), seed=1.5)
    assert len(list(RandomSampler(range(3), generator=np.random.default_rng(0)))) == 3
