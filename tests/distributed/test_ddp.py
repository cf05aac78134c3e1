"""DistributedDataParallel in one process: the wrapper behaves as the module, buckets are
planned and reduced in a fixed order (a recording two-rank group stands in for MPI), and
an unused parameter raises torch's error instead of letting ranks drift."""

import numpy as np
import pytest

import funtorch as ft
import funtorch.distributed as dist
from funtorch.distributed import _buckets, ddp as ddp_module
from funtorch.distributed._backend import Done


class RecordingGroup:
    """Two ranks holding the same values (a sum doubles, a mean or broadcast is the
    input), recording every call."""

    rank, size, axis_name, backend = 0, 2, "world", "fake"

    def __init__(self):
        self.calls = []

    def start_allreduce(self, a, op, inplace=False):
        self.calls.append(("allreduce", op, a.shape, a.dtype))
        return Done(a * self.size if op == "sum" else a.copy())

    def bcast(self, a, root):
        self.calls.append(("bcast", root, a.shape, a.dtype))
        return a.copy()


def make_model():
    ft.manual_seed(0)
    return ft.nn.Sequential(ft.nn.Linear(3, 4), ft.nn.BatchNorm1d(4), ft.nn.Linear(4, 2))


@pytest.fixture
def group(monkeypatch):
    fake = RecordingGroup()
    monkeypatch.setattr(ddp_module, "current_group", lambda: fake)
    return fake


def test_on_one_rank_it_is_the_module_with_torchs_state_dict_prefix():
    model = make_model()
    wrapped = dist.DistributedDataParallel(model)
    x = ft.asarray(np.random.default_rng(0).standard_normal((5, 3)))
    np.testing.assert_array_equal(wrapped(x).detach().numpy(), model(x).detach().numpy())
    assert list(wrapped.state_dict()) == ["module." + k for k in model.state_dict()]
    assert [id(p) for p in wrapped.parameters()] == [id(p) for p in model.parameters()]
    wrapped.load_state_dict(wrapped.state_dict())
    with wrapped.no_sync():
        wrapped(x).sum().backward()
    assert all(p.grad is not None for p in model.parameters())


def test_construction_broadcasts_parameters_and_buffers_from_rank_0(group):
    model = make_model()
    dist.DistributedDataParallel(model, broadcast_buffers=True)
    assert {call[:2] for call in group.calls} == {("bcast", 0)}
    sent = sum(int(np.prod(c[2])) for c in group.calls)
    values = list(model.parameters()) + list(model.buffers())
    assert sent == sum(v.size for v in values)


def test_backward_averages_every_gradient_bucket_by_bucket_in_plan_order(group):
    model = make_model()
    wrapped = dist.DistributedDataParallel(model, bucket_cap_mb=40 / 2**20)
    group.calls.clear()
    x = ft.asarray(np.random.default_rng(1).standard_normal((6, 3)))
    reference = make_model()
    reference(x).sum().backward()
    wrapped(x).sum().backward()
    reduced = [c for c in group.calls if c[0] == "allreduce"]
    params = [p for p in reversed(list(model.parameters()))]
    expected = [sum(params[i].size for i in bucket) for bucket in wrapped._buckets]
    # a float mean travels as a sum of values pre-scaled by 1 / size
    assert [c[1] for c in reduced] == ["sum"] * len(expected) and len(expected) > 2
    assert [c[2] for c in reduced] == [(n,) for n in expected]
    for p, q in zip(model.parameters(), reference.parameters()):
        np.testing.assert_array_equal(p.grad.numpy(), q.grad.numpy())
    group.calls.clear()
    with wrapped.no_sync():
        wrapped(x).sum().backward()
    assert not [c for c in group.calls if c[0] == "allreduce"]


def test_a_parameter_without_gradient_stops_the_next_forward(group):
    model = ft.nn.ModuleDict({"used": ft.nn.Linear(2, 2), "unused": ft.nn.Linear(2, 2)})
    model.forward = lambda x: model["used"](x)
    wrapped = dist.DistributedDataParallel(model, bucket_cap_mb=1e-6)
    wrapped(ft.ones((1, 2))).sum().backward()
    with pytest.raises(RuntimeError, match=r"Expected to have finished reduction in the prior "
                                           r"iteration.*\(unused.weight, unused.bias\)"):
        wrapped(ft.ones((1, 2)))


@pytest.mark.parametrize("kwargs, error, match", [
    ({"find_unused_parameters": True}, NotImplementedError, "freeze unused parameters instead"),
    ({"process_group": object()}, NotImplementedError, "only the default process group"),
    ({"bucket_cap": 1}, TypeError, r"unexpected keyword arguments \['bucket_cap'\]"),
])
def test_unsupported_options_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        dist.DistributedDataParallel(ft.nn.Linear(2, 2), **kwargs)
    dist.DistributedDataParallel(ft.nn.Linear(2, 2), gradient_as_bucket_view=True)


@pytest.mark.parametrize("leaves, cap, expected", [
    ([((4,), "f8"), ((4,), "f8"), ((4,), "f8")], 64, [[0, 1], [2]]),
    ([((4,), "f8"), ((2,), "f4"), ((4,), "f8"), ((2,), "f4")], 1000, [[0, 2], [1, 3]]),
    ([((100,), "f8"), ((1,), "f8")], 64, [[0], [1]]),
    ([], 64, []),
])
def test_bucket_plan_groups_same_dtype_leaves_up_to_the_cap(leaves, cap, expected):
    assert _buckets.plan(leaves, cap) == expected


def test_bucketed_reduction_round_trips_shapes_dtypes_and_leaf_types():
    group = RecordingGroup()
    hosts = [np.arange(6.0).reshape(2, 3), np.ones(2, np.float32), np.array(4.0)]
    out = _buckets.reduce_bucketed(group, hosts, "mean", 1 << 20)
    assert [(o.shape, o.dtype) for o in out] == [(h.shape, h.dtype) for h in hosts]
    assert len(group.calls) == 2  # one per dtype
    assert _buckets.like(np.array(3), 1) == 3 and type(_buckets.like(np.array(1), True)) is bool


def test_bucket_buffers_are_recycled_only_once_nothing_references_them():
    group = RecordingGroup()
    group.start_allreduce = lambda a, op, inplace=False: Done(a)  # in place, as MPI's
    hosts = [np.arange(6.0).reshape(2, 3), np.ones(4)]
    first = _buckets.reduce_bucketed(group, hosts, "mean", 1 << 20)
    held = _buckets.reduce_bucketed(group, hosts, "mean", 1 << 20)
    assert not np.shares_memory(first[0], held[0])  # `first` is alive: a new buffer
    expected = [h / 2 for h in hosts]
    for out in (first, held):
        for got, want in zip(out, expected):
            np.testing.assert_array_equal(got, want)
    recycled = id(first[0].base)  # (an id: holding the buffer would keep it referenced)
    del first
    again = _buckets.reduce_bucketed(group, [h * 3 for h in hosts], "mean", 1 << 20)
    assert id(again[0].base) == recycled
    np.testing.assert_array_equal(held[1], expected[1])  # never overwritten while held
    np.testing.assert_array_equal(again[1], 1.5 * np.ones(4))
