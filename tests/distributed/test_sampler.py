"""ft.data.DistributedSampler: torch's padding rule, one shared order per epoch, resuming."""

import pytest

import funtorch as ft

# Hand-applied torch rule: pad with the first indices (repeating them when the padding is
# longer than the dataset) or drop the tail, then rank r takes positions r, r + n, ...
TORCH_RULE = [
    (5, 2, False, [[0, 2, 4], [1, 3, 0]]),
    (5, 2, True, [[0, 2], [1, 3]]),
    (2, 5, False, [[0], [1], [0], [1], [0]]),
    (7, 3, True, [[0, 3], [1, 4], [2, 5]]),
    (6, 3, True, [[0, 3], [1, 4], [2, 5]]),
    (6, 3, False, [[0, 3], [1, 4], [2, 5]]),
    (0, 2, False, [[], []]),
]


@pytest.mark.parametrize("n, replicas, drop_last, expected", TORCH_RULE)
def test_unshuffled_shares_follow_torchs_padding_rule(n, replicas, drop_last, expected):
    shares = [list(ft.data.DistributedSampler(range(n), replicas, r, shuffle=False,
                                              drop_last=drop_last)) for r in range(replicas)]
    assert shares == expected
    sampler = ft.data.DistributedSampler(range(n), replicas, 0, drop_last=drop_last)
    assert len(sampler) == len(expected[0]) and sampler.total_size == sum(map(len, expected))


@pytest.mark.parametrize("n, replicas", [(10, 3), (9, 3), (4, 4), (3, 5)])
def test_shuffled_shares_interleave_one_permutation(n, replicas):
    shares = [list(ft.data.DistributedSampler(range(n), replicas, r, seed=3))
              for r in range(replicas)]
    order = [shares[p % replicas][p // replicas] for p in range(len(shares[0]) * replicas)]
    assert sorted(order[:n]) == list(range(n))
    assert order[n:] == (order[:n] * replicas)[:len(order) - n]  # the padding repeats the head


def test_epochs_and_seeds_change_the_order_and_nothing_else_does():
    def share(seed=0, epoch=0):
        sampler = ft.data.DistributedSampler(range(50), 2, 1, seed=seed)
        sampler.set_epoch(epoch)
        return list(sampler)

    ft.manual_seed(1)
    first = share()
    ft.manual_seed(2)
    assert share() == first  # the global generator plays no part
    assert share(epoch=1) != first and share(seed=1) != first
    sampler = ft.data.DistributedSampler(range(50), 2, 1)
    assert list(sampler) == list(sampler) == first  # no set_epoch: same order, as in torch


def test_state_dict_resumes_mid_epoch():
    sampler = ft.data.DistributedSampler(range(20), 2, 1, seed=5)
    sampler.set_epoch(3)
    iterator = iter(sampler)
    head = [next(iterator) for _ in range(4)]
    state = sampler.state_dict()
    assert state == {"epoch": 3, "yielded": 4, "seed": 5, "num_replicas": 2, "rank": 1}
    restored = ft.data.DistributedSampler(range(20), 2, 1, seed=5)
    restored.load_state_dict(state)
    assert head + list(restored) == list(sampler)
    assert len(list(restored)) == 10  # only the resumed iteration starts late


def test_resume_from_an_iterator_state():
    sampler = ft.data.DistributedSampler(range(9), 3, 2, seed=1)
    iterator = iter(sampler)
    next(iterator)
    assert list(sampler.resume(iterator.state())) == list(iterator)


def test_dataloader_with_a_distributed_sampler_loads_this_ranks_share():
    data = ft.data.TensorDataset(ft.arange(10))
    sampler = ft.data.DistributedSampler(data, 2, 1, shuffle=False)
    batches = [b.tolist() for (b,) in ft.data.DataLoader(data, batch_size=2, sampler=sampler)]
    assert batches == [[1, 3], [5, 7], [9]]


def test_without_init_it_is_the_whole_dataset_on_rank_0():
    sampler = ft.data.DistributedSampler(range(4), shuffle=False)
    assert (sampler.num_replicas, sampler.rank, list(sampler)) == (1, 0, [0, 1, 2, 3])


@pytest.mark.parametrize("kwargs, match", [
    ({"num_replicas": 2, "rank": 2}, r"Invalid rank 2, rank should be in the interval \[0, 1\]"),
    ({"num_replicas": 2, "rank": -1}, r"Invalid rank -1"),
    ({"num_replicas": 0, "rank": 0}, "num_replicas must be a positive int, got 0"),
])
def test_bad_ranks_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ft.data.DistributedSampler(range(4), **kwargs)


def test_a_state_from_another_configuration_is_refused():
    state = ft.data.DistributedSampler(range(4), 2, 0, seed=1).state_dict()
    with pytest.raises(ValueError, match="saved with seed=1, this sampler has seed=0"):
        ft.data.DistributedSampler(range(4), 2, 0).load_state_dict(state)


def test_a_dataloader_iterator_state_resumes_a_distributed_epoch_exactly():
    data = ft.data.TensorDataset(ft.arange(20))

    def loader():
        sampler = ft.data.DistributedSampler(data, 2, 1, seed=3)
        sampler.set_epoch(2)
        return ft.data.DataLoader(data, batch_size=3, sampler=sampler)

    iterator = iter(loader())
    head = [next(iterator)[0].tolist() for _ in range(2)]
    state = iterator.state()
    rest = [b[0].tolist() for b in iterator]
    resumed = iter(loader())
    resumed.restore(state)
    assert [b[0].tolist() for b in resumed] == rest
    assert sorted(sum(head + rest, [])) == sorted(list(loader().sampler))
