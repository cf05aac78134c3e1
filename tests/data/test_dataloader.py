"""DataLoader in the main process: batching, shuffling, len, errors, state()/restore()."""

import json
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funtorch as ft
from funtorch.data import DataLoader, IterableDataset, TensorDataset

from data import helpers


def _plain(batch):
    return batch.tolist() if isinstance(batch, ft.Array) else batch


def _lists(loader):
    return [_plain(batch) for batch in loader]


@pytest.mark.parametrize("n, batch_size, drop_last, sizes", [
    (10, 3, False, [3, 3, 3, 1]),
    (10, 3, True, [3, 3, 3]),
    (9, 3, False, [3, 3, 3]),
    (9, 3, True, [3, 3, 3]),
    (2, 5, False, [2]),
    (2, 5, True, []),
])
def test_batch_counts_and_sizes(n, batch_size, drop_last, sizes):
    loader = DataLoader(helpers.Range(n), batch_size=batch_size, drop_last=drop_last)
    batches = _lists(loader)
    assert [len(b) for b in batches] == sizes and len(loader) == len(sizes)
    assert sum(batches, []) == list(range(n))[:sum(sizes)]
    stream = DataLoader(helpers.ShardedStream(n), batch_size=batch_size, drop_last=drop_last)
    assert [len(b) for b in _lists(stream)] == sizes and len(stream) == len(sizes)


def test_tuples_become_batched_arrays():
    x, y = next(iter(DataLoader(helpers.Pairs(5), batch_size=4)))
    assert x.shape == (4, 3) and x.dtype == np.float32
    assert y.dtype == np.int64 and y.tolist() == [0, 1, 2, 0]
    features, labels = ft.arange(20).reshape(10, 2), ft.arange(10)
    batches = list(DataLoader(TensorDataset(features, labels), batch_size=4))
    assert [b[0].shape for b in batches] == [(4, 2), (4, 2), (2, 2)]


def test_batch_size_none_and_batch_sampler():
    assert [x.item() for x in DataLoader(np.arange(3), batch_size=None)] == [0, 1, 2]
    loader = DataLoader(helpers.Range(6), batch_sampler=[[5, 0], [1, 2, 3]])
    assert _lists(loader) == [[5, 0], [1, 2, 3]] and len(loader) == 2


def test_shuffle_is_reproducible_per_seed_and_differs_per_epoch():
    loader = DataLoader(helpers.Range(30), batch_size=7, shuffle=True, seed=11)
    epochs = [_lists(loader) for _ in range(3)]
    assert sorted(sum(epochs[0], [])) == list(range(30))
    assert epochs[0] != epochs[1] != epochs[2]
    again = DataLoader(helpers.Range(30), batch_size=7, shuffle=True, seed=11)
    assert [_lists(again) for _ in range(3)] == epochs
    other = DataLoader(helpers.Range(30), batch_size=7, shuffle=True, seed=12)
    assert _lists(other) != epochs[0]


def test_shuffle_without_seed_follows_manual_seed():
    ft.manual_seed(5)
    loader = DataLoader(helpers.Range(30), batch_size=7, shuffle=True)
    first = [_lists(loader), _lists(loader)]
    ft.manual_seed(5)
    loader = DataLoader(helpers.Range(30), batch_size=7, shuffle=True)
    assert [_lists(loader), _lists(loader)] == first and first[0] != first[1]


class _Progress:
    """What tqdm does with an iterable: read len() when defined, then iterate."""

    def __init__(self, iterable):
        try:
            self.total = len(iterable)
        except TypeError:
            self.total = None
        self.iterable = iterable

    def __iter__(self):
        return iter(self.iterable)


def test_progress_bars_get_len_where_it_is_defined():
    bar = _Progress(DataLoader(helpers.Range(10), batch_size=4))
    assert bar.total == 3 and len(list(bar)) == 3

    class NoLen(IterableDataset):
        def __iter__(self):
            return iter(range(3))

    assert _Progress(DataLoader(NoLen(), batch_size=2)).total is None


def test_tqdm_when_installed():
    tqdm = pytest.importorskip("tqdm").tqdm
    bar = tqdm(DataLoader(helpers.Range(10), batch_size=4), disable=True)
    assert bar.total == 3 and len(list(bar)) == 3


@pytest.mark.parametrize("kwargs, message", [
    (dict(num_workers=-1), "num_workers option should be non-negative; use num_workers=0 to "
                           "disable multiprocessing."),
    (dict(timeout=-1), "timeout option should be non-negative"),
    (dict(persistent_workers=True), "persistent_workers option needs num_workers > 0"),
    (dict(num_workers=2, prefetch_factor=0), "prefetch_factor option should be a positive"),
    (dict(sampler=[0, 1], shuffle=True), "sampler option is mutually exclusive with shuffle"),
    (dict(batch_sampler=[[0]], batch_size=2), "batch_sampler option is mutually exclusive with "
                                              "batch_size, shuffle, sampler, and drop_last"),
    (dict(batch_sampler=[[0]], drop_last=True), "batch_sampler option is mutually exclusive"),
    (dict(batch_size=None, drop_last=True), "batch_size=None option disables auto-batching "
                                            "and is mutually exclusive with drop_last"),
    (dict(batch_size=0), "batch_size should be a positive integer value, but got batch_size=0"),
    (dict(multiprocessing_context="spawn"), "multiprocessing_context can only be used with "
                                            "multi-process loading"),
])
def test_argument_errors_use_pytorch_wording(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        DataLoader(helpers.Range(4), **kwargs)


@pytest.mark.parametrize("option", ["shuffle", "sampler", "batch_sampler"])
def test_iterable_dataset_rejects_sampling_options(option):
    value = {"shuffle": True, "sampler": [0], "batch_sampler": [[0]]}[option]
    kwargs = {option: value, **({"batch_size": 1} if option != "batch_sampler" else {})}
    with pytest.raises(ValueError, match=f"DataLoader with IterableDataset: expected "
                                         f"unspecified {option} option"):
        DataLoader(helpers.ShardedStream(3), **kwargs)


def test_attributes_are_frozen_after_init():
    loader = DataLoader(helpers.Range(4))
    with pytest.raises(ValueError, match="batch_size attribute should not be set after "
                                         "DataLoader is initialized"):
        loader.batch_size = 2


def test_main_process_errors_name_the_sample_index():
    with pytest.raises(ValueError, match="bad sample 5") as info:
        list(DataLoader(helpers.Failing(8, 5), batch_size=3))
    notes = getattr(info.value, "__notes__", ["sample index 5"])
    assert any("sample index 5" in note for note in notes)


def test_pin_memory_without_cuda_warns_once_and_changes_nothing():
    if ft.cuda.is_available():
        pytest.skip("CUDA is available: pin_memory copies to the GPU")
    with pytest.warns(UserWarning, match="pin_memory=True is ignored because CUDA is not "
                                         "available") as record:
        loader = DataLoader(helpers.Range(6), batch_size=4, pin_memory=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batches = list(loader)
    assert len(record) == 1 and batches[0].device == ft.device("cpu")
    assert [b.tolist() for b in batches] == [[0, 1, 2, 3], [4, 5]]


LOADERS = {
    "sequential": lambda: DataLoader(helpers.Range(23), batch_size=4),
    "shuffled": lambda: DataLoader(helpers.Range(23), batch_size=4, shuffle=True, seed=3),
    "drop_last": lambda: DataLoader(helpers.Range(23), batch_size=4, shuffle=True, seed=3,
                                    drop_last=True),
    "unbatched": lambda: DataLoader(helpers.Range(9), batch_size=None, shuffle=True, seed=1),
    "weighted": lambda: DataLoader(helpers.Range(5), batch_size=3, sampler=ft.data.
                                   WeightedRandomSampler([1, 2, 3, 4, 5], 17, seed=2)),
    "custom_sampler": lambda: DataLoader(helpers.Range(23), batch_size=4,
                                         sampler=[5, 3, 1] * 5),
    "iterable": lambda: DataLoader(helpers.ShardedStream(23), batch_size=4),
}


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(sorted(LOADERS)), epoch=st.integers(0, 2), data=st.data())
def test_state_restore_resumes_on_the_exact_next_batch(name, epoch, data):
    loader = LOADERS[name]()
    for _ in range(epoch):
        list(loader)
    reference = _lists(loader)
    stop = data.draw(st.integers(0, len(reference)), label="stop")
    loader = LOADERS[name]()
    for _ in range(epoch):
        list(loader)
    it = iter(loader)
    head = [_plain(next(it)) for _ in range(stop)]
    state = json.loads(json.dumps(it.state()))
    fresh = iter(LOADERS[name]())
    fresh.restore(state)
    assert head + _lists(fresh) == reference


def test_restore_continues_the_epoch_sequence():
    loader = DataLoader(helpers.Range(12), batch_size=5, shuffle=True, seed=0)
    epochs = [_lists(loader) for _ in range(3)]
    loader = DataLoader(helpers.Range(12), batch_size=5, shuffle=True, seed=0)
    list(loader)
    it = iter(loader)
    next(it)
    state = it.state()
    resumed = DataLoader(helpers.Range(12), batch_size=5, shuffle=True, seed=0)
    it = iter(resumed)
    it.restore(state)
    assert _lists(it) == epochs[1][1:]
    assert _lists(resumed) == epochs[2]


def test_restore_rejects_foreign_states():
    it = iter(DataLoader(helpers.Range(4)))
    with pytest.raises(ValueError, match="expected the dict returned by state"):
        it.restore({"pos": 3})
