"""ft.data.Pipeline: stages, epochs, len, errors, and exact resume from state()."""

import json
import threading
import time
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funtorch as ft
from funtorch.data import DataLoader, Pipeline

from data import helpers


def _plain(element):
    return element.tolist() if isinstance(element, ft.Array) else element


def _lists(iterable):
    return [_plain(element) for element in iterable]


def test_map_filter_batch_and_len():
    pipe = Pipeline.from_iterable(range(10)).map(lambda x: x * 10).filter(lambda x: x % 20)
    assert list(pipe) == [10, 30, 50, 70, 90]
    batched = Pipeline.from_dataset(helpers.Pairs(5)).batch(2)
    x, y = next(iter(batched))
    assert x.shape == (2, 3) and y.tolist() == [0, 1] and len(batched) == 3
    assert len(Pipeline.from_dataset(helpers.Pairs(5)).batch(2, drop_last=True)) == 2
    assert [len(b) for b in _lists(Pipeline.from_iterable(range(5)).batch(2, True))] == [2, 2]


def test_len_is_defined_only_where_known():
    assert len(Pipeline.from_iterable(range(7)).map(str).prefetch(2).repeat(3)) == 21
    for pipe, reason in [(Pipeline.from_iterable(range(7)).filter(bool), "filter"),
                         (Pipeline.from_iterable(range(7)).repeat(), "repeat"),
                         (Pipeline.from_iterable(lambda: iter(range(3))), "no len")]:
        with pytest.raises(TypeError, match=reason):
            len(pipe)
        assert pipe  # truthiness does not need len()


def test_sources():
    assert list(Pipeline.from_iterable(lambda: (c for c in "abc"))) == ["a", "b", "c"]
    one_shot = Pipeline.from_iterable(iter(range(3)))
    assert list(one_shot) == [0, 1, 2] and list(one_shot) == []
    loader = DataLoader(helpers.Range(7), batch_size=3)
    assert _lists(Pipeline.from_iterable(loader)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(Pipeline.from_dataset(helpers.ShardedStream(3))) == [0, 1, 2]


def test_shuffle_is_reproducible_per_seed_and_differs_per_epoch():
    pipe = Pipeline.from_iterable(range(50)).shuffle(10, seed=4)
    epochs = [list(pipe) for _ in range(3)]
    assert sorted(epochs[0]) == list(range(50)) and epochs[0] != list(range(50))
    assert epochs[0] != epochs[1] != epochs[2]
    again = Pipeline.from_iterable(range(50)).shuffle(10, seed=4)
    assert [list(again) for _ in range(3)] == epochs
    assert list(Pipeline.from_iterable(range(50)).shuffle(10, seed=5)) != epochs[0]
    early = list(Pipeline.from_iterable(range(50)).shuffle(3, seed=0))
    assert max(early[:5]) <= 7  # a small buffer only moves elements a little


def test_shuffle_and_from_dataset_follow_manual_seed_without_seed():
    ft.manual_seed(1)
    first = list(Pipeline.from_iterable(range(20)).shuffle(8))
    dataset_order = list(Pipeline.from_dataset(list(range(20)), shuffle=True))
    ft.manual_seed(1)
    assert list(Pipeline.from_iterable(range(20)).shuffle(8)) == first
    assert list(Pipeline.from_dataset(list(range(20)), shuffle=True)) == dataset_order
    assert sorted(dataset_order) == list(range(20))


def test_repeat_runs_new_epochs_and_stops_on_empty_rounds():
    pipe = Pipeline.from_iterable(range(6)).shuffle(6, seed=0).repeat(3)
    out = list(pipe)
    rounds = [out[i:i + 6] for i in range(0, 18, 6)]
    assert all(sorted(r) == list(range(6)) for r in rounds) and rounds[0] != rounds[1]
    forever = iter(Pipeline.from_iterable(range(2)).repeat())
    assert [next(forever) for _ in range(7)] == [0, 1, 0, 1, 0, 1, 0]
    assert list(Pipeline.from_iterable(iter([1, 2])).repeat()) == [1, 2]


def test_parallel_map_keeps_order_and_runs_concurrently():
    seen = set()

    def slow_identity(x):
        seen.add(threading.get_ident())
        time.sleep(0.002)
        return x

    pipe = Pipeline.from_iterable(range(40)).map(slow_identity, num_workers=4)
    assert list(pipe) == list(range(40)) and len(seen) > 1


def test_process_map_with_a_picklable_function():
    pipe = Pipeline.from_iterable(range(6)).map(helpers.square, num_workers=2,
                                                executor="process")
    assert list(pipe) == [0, 1, 4, 9, 16, 25]


@pytest.mark.parametrize("num_workers", [0, 2])
def test_map_errors_name_the_element(num_workers):
    def fail_at_three(x):
        if x == 3:
            raise KeyError("three")
        return x

    it = iter(Pipeline.from_iterable(range(6)).map(fail_at_three, num_workers=num_workers))
    assert [next(it) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(KeyError) as info:
        next(it)
    notes = getattr(info.value, "__notes__", ["element 3"])
    assert any("element 3 of the epoch" in note for note in notes)


def test_prefetch_runs_ahead_and_reraises():
    produced = []

    def record(x):
        produced.append(x)
        if x == 5:
            raise ValueError("five")
        return x

    it = iter(Pipeline.from_iterable(range(8)).map(record).prefetch(3))
    assert next(it) == 0
    time.sleep(0.1)
    assert len(produced) >= 3
    assert [next(it) for _ in range(4)] == [1, 2, 3, 4]
    with pytest.raises(ValueError, match="five"):
        next(it)
    it.close()


def test_to_cpu_moves_arrays_and_cuda_without_gpu_warns_once():
    pipe = Pipeline.from_iterable([(ft.ones(2), "a")]).to("cpu")
    (x, tag), = list(pipe)
    assert x.device == ft.device("cpu") and tag == "a"
    if ft.cuda.is_available():
        pytest.skip("CUDA is available")
    with pytest.warns(UserWarning, match=r"Pipeline.to\('cuda'\) is a no-op because CUDA is "
                                         r"not available") as record:
        pipe = Pipeline.from_iterable(range(3)).to("cuda")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert list(pipe) == [0, 1, 2] and list(pipe) == [0, 1, 2]
    assert len(record) == 1


@pytest.mark.parametrize("build, error, message", [
    (lambda p: p.shuffle(0), ValueError, "buffer_size should be a positive integer"),
    (lambda p: p.batch(0), ValueError, "batch_size should be a positive integer"),
    (lambda p: p.batch(2, drop_last=1), ValueError, "drop_last should be a boolean"),
    (lambda p: p.prefetch(0), ValueError, "n should be a positive integer"),
    (lambda p: p.repeat(0), ValueError, "epochs should be a positive integer"),
    (lambda p: p.map(3), TypeError, "expected a function, got int"),
    (lambda p: p.map(str, num_workers=-1), ValueError, "num_workers option should be "
                                                       "non-negative"),
    (lambda p: p.map(str, executor="gpu"), ValueError, "executor should be 'thread' or"),
    (lambda p: p.to("tpu"), ValueError, "expected 'cpu', 'cuda' or 'cuda:N'"),
])
def test_argument_errors(build, error, message):
    with pytest.raises(error, match=message):
        build(Pipeline.from_iterable(range(3)))


def test_restore_errors():
    it = iter(Pipeline.from_iterable(range(3)))
    with pytest.raises(ValueError, match="expected the dict returned by state"):
        it.restore({"pos": 1})
    one_shot = Pipeline.from_iterable(iter(range(5)))
    it = iter(one_shot)
    next(it)
    with pytest.raises(ValueError, match="one-shot iterator"):
        iter(one_shot).restore(it.state())


def _stage(draw):
    kind = draw(st.sampled_from(["map", "pmap", "filter", "shuffle", "batch", "prefetch"]))
    if kind == "map":
        return lambda p: p.map(lambda x: x + 1 if isinstance(x, int) else x)
    if kind == "pmap":
        workers = draw(st.integers(1, 3))
        return lambda p: p.map(lambda x: x, num_workers=workers)
    if kind == "filter":
        return lambda p: p.filter(lambda x: not isinstance(x, int) or x % 3 != 1)
    if kind == "shuffle":
        size, seed = draw(st.integers(1, 6)), draw(st.integers(0, 3))
        return lambda p: p.shuffle(size, seed=seed)
    if kind == "batch":
        size, drop = draw(st.integers(1, 4)), draw(st.booleans())
        return lambda p: p.batch(size, drop_last=drop, collate_fn=list)
    depth = draw(st.integers(1, 3))
    return lambda p: p.prefetch(depth)


@st.composite
def pipelines(draw):
    dataset = draw(st.sampled_from(["dataset", "shuffled", "iterable", "generator"]))
    n = draw(st.integers(0, 25))
    stages = [_stage(draw) for _ in range(draw(st.integers(0, 4)))]
    repeat = draw(st.sampled_from([None, 2]))

    def build():
        if dataset == "dataset":
            pipe = Pipeline.from_dataset(helpers.Range(n))
        elif dataset == "shuffled":
            pipe = Pipeline.from_dataset(helpers.Range(n), shuffle=True, seed=n)
        elif dataset == "iterable":
            pipe = Pipeline.from_iterable(range(n))
        else:
            pipe = Pipeline.from_iterable(lambda: iter(range(n)))
        for stage in stages:
            pipe = stage(pipe)
        return pipe.repeat(repeat) if repeat else pipe

    return build


@settings(max_examples=40, deadline=None)
@given(build=pipelines(), epoch=st.integers(0, 2), data=st.data())
def test_state_restore_resumes_on_the_exact_next_element(build, epoch, data):
    pipe = build()
    for _ in range(epoch):
        list(pipe)
    reference = list(pipe)
    stop = data.draw(st.integers(0, len(reference)), label="stop")
    pipe = build()
    for _ in range(epoch):
        list(pipe)
    it = iter(pipe)
    head = [next(it) for _ in range(stop)]
    state = json.loads(json.dumps(it.state()))
    it.close()
    fresh = iter(build())
    fresh.restore(state)
    assert head + list(fresh) == reference


def test_restore_through_a_dataloader_source_and_workers():
    def build():
        loader = DataLoader(helpers.Range(30), batch_size=4, shuffle=True, seed=2)
        return Pipeline.from_iterable(loader).map(np.asarray, num_workers=2).prefetch(2)

    reference = [b.tolist() for b in build()]
    it = iter(build())
    head = [next(it).tolist() for _ in range(3)]
    fresh = iter(build())
    fresh.restore(json.loads(json.dumps(it.state())))
    assert head + [b.tolist() for b in fresh] == reference


@pytest.mark.slow
def test_identity_map_overhead_is_small():
    n = 200_000
    pipe = Pipeline.from_iterable(range(n)).map(lambda x: x)
    start = time.perf_counter()
    for _ in pipe:
        pass
    assert (time.perf_counter() - start) / n < 5e-6
