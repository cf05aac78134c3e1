"""DataLoader with worker processes: order, seeds, errors, death, shutdown, resume, speed.

Every loader here starts real processes ("spawn"), so the tests share loaders where they
can; datasets live in ``data.helpers`` so the workers can unpickle them.
"""

import gc
import json
import multiprocessing
import os
import time

import pytest

from funtorch.data import DataLoader

from data import helpers


def _alive(pid):
    try:
        os.kill(pid, 0)  # succeeds for zombies too, so this also checks they were reaped
    except ProcessLookupError:
        return False
    return True


def _lists(loader):
    return [batch.tolist() for batch in loader]


def test_order_matches_the_main_process_over_epochs_with_persistent_workers():
    main = DataLoader(helpers.Range(40), batch_size=3, shuffle=True, seed=9)
    workers = DataLoader(helpers.Range(40), batch_size=3, shuffle=True, seed=9, num_workers=2,
                         prefetch_factor=3, persistent_workers=True)
    first = iter(workers)
    pids = first._source.worker_pids
    assert _lists(first) == _lists(main)
    second = iter(workers)
    assert second is first and second._source.worker_pids == pids
    epoch = _lists(second)
    assert epoch == _lists(main) and sorted(sum(epoch, [])) == list(range(40))
    first.close()
    assert not any(_alive(pid) for pid in pids)


def test_iterable_dataset_is_split_by_worker_info_round_robin():
    loader = DataLoader(helpers.ShardedStream(11), batch_size=2, num_workers=2)
    batches = _lists(loader)
    assert batches == [[0, 2], [1, 3], [4, 6], [5, 7], [8, 10], [9]]
    assert sorted(sum(batches, [])) == list(range(11))


def test_worker_info_seeds_and_worker_init_fn():
    loader = DataLoader(helpers.WorkerTagged(8), batch_size=2, num_workers=2, seed=7)
    indices, ids, seeds = zip(*[tuple(part.tolist() for part in batch) for batch in loader])
    assert sum(indices, []) == list(range(8))
    assert [i[0] for i in ids] == [0, 1, 0, 1]
    bases = {seed - worker for batch_seeds, batch_ids in zip(seeds, ids)
             for seed, worker in zip(batch_seeds, batch_ids)}
    assert len(bases) == 1
    inits = DataLoader(helpers.InitChecked(4), batch_size=None, num_workers=2,
                       worker_init_fn=helpers.record_init)
    assert [x for x in inits] == [0, 1, 0, 1]


def test_worker_exception_names_the_index_and_keeps_the_traceback():
    loader = DataLoader(helpers.Failing(12, 7), batch_size=3, num_workers=2)
    it = iter(loader)
    assert next(it).tolist() == [0, 1, 2] and next(it).tolist() == [3, 4, 5]
    with pytest.raises(ValueError) as info:
        next(it)
    message = str(info.value)
    assert "Caught ValueError in DataLoader worker process 0 while loading sample index 7" \
        in message
    assert "Traceback (most recent call last)" in message and "bad sample 7" in message
    assert "helpers.py" in message
    assert next(it).tolist() == [9, 10, 11]  # like PyTorch, the loader goes on
    pids = it._source.worker_pids
    with pytest.raises(StopIteration):
        next(it)
    assert not any(_alive(pid) for pid in pids)


def test_worker_init_fn_errors_reach_the_main_process():
    loader = DataLoader(helpers.Range(6), batch_size=2, num_workers=2,
                        worker_init_fn=helpers.failing_init)
    it = iter(loader)
    assert next(it).tolist() == [0, 1]
    with pytest.raises(OSError, match=r"Caught OSError in DataLoader worker process 1 \(in "
                                      r"worker_init_fn\)(.|\n)*cannot open the shard"):
        next(it)


def test_worker_death_is_detected_quickly():
    loader = DataLoader(helpers.Dying(20, 7), batch_size=2, num_workers=2)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited "
                                           r"unexpectedly \(exit code 3\)"):
        list(loader)
    # the death is noticed by polling, not by a timeout; the bound leaves room for starting
    # two spawned workers on a loaded 2-core machine (5 s was exceeded there)
    assert time.monotonic() - start < 30


def test_deleting_or_breaking_leaves_no_live_child_processes():
    it = iter(DataLoader(helpers.Range(100), batch_size=2, num_workers=2))
    next(it)
    pids = it._source.worker_pids
    assert all(_alive(pid) for pid in pids)
    del it
    gc.collect()
    assert not any(_alive(pid) for pid in pids)
    for i, _ in enumerate(DataLoader(helpers.Range(100), batch_size=2, num_workers=2)):
        if i == 0:  # the loop's iterator has no name: find its workers among our children
            pids = [p.pid for p in multiprocessing.active_children()
                    if p.name.startswith("funtorch-data")]
        if i == 2:
            break
    gc.collect()
    assert len(pids) == 2 and not any(_alive(pid) for pid in pids)


def test_timeout_raises_instead_of_waiting_forever():
    loader = DataLoader(helpers.Slow(4, 1.0), batch_size=1, num_workers=1, timeout=0.3)
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0.3 seconds"):
        next(iter(loader))


def test_unpicklable_arguments_explain_spawn():
    with pytest.raises(TypeError, match="must be picklable.*module level"):
        iter(DataLoader(helpers.Range(4), num_workers=1, collate_fn=lambda b: b))


@pytest.mark.parametrize("dataset, options", [
    (helpers.Range(23), dict(shuffle=True, seed=3)),
    (helpers.ShardedStream(23), {}),
], ids=["shuffled", "iterable"])
def test_state_restore_with_workers(dataset, options):
    reference = _lists(DataLoader(dataset, batch_size=4, num_workers=2, **options))
    assert sorted(sum(reference, [])) == list(range(23))
    it = iter(DataLoader(dataset, batch_size=4, num_workers=2, **options))
    head = [next(it).tolist() for _ in range(3)]
    state = json.loads(json.dumps(it.state()))
    it.restore(state)  # restoring the same iterator drops the batches in flight
    assert head + _lists(it) == reference


@pytest.mark.slow
def test_two_workers_beat_the_main_process_on_a_slow_getitem():
    def rate(num_workers):
        loader = DataLoader(helpers.Slow(200, 0.005), batch_size=4, num_workers=num_workers,
                            persistent_workers=num_workers > 0)
        list(loader)  # warm up: start the workers
        start = time.perf_counter()
        assert sum(len(b.tolist()) for b in loader) == 200
        return 200 / (time.perf_counter() - start)

    assert rate(2) > 1.5 * rate(0)
