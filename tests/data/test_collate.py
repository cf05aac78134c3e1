"""default_collate / default_convert on every container and leaf type."""

import collections
import dataclasses

import numpy as np
import pytest

import funtorch as ft
from funtorch.data import default_collate, default_convert

Point = collections.namedtuple("Point", "x y")


@dataclasses.dataclass
class Record:
    image: np.ndarray
    label: int


def test_arrays_are_stacked_on_a_new_leading_axis():
    batch = default_collate([ft.ones((2, 3)), ft.zeros((2, 3))])
    assert isinstance(batch, ft.Array) and batch.shape == (2, 2, 3)
    np.testing.assert_array_equal(batch.numpy()[0], np.ones((2, 3)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.uint8, np.bool_])
def test_numpy_arrays_and_scalars_keep_their_dtype(dtype):
    arrays = default_collate([np.zeros(4, dtype), np.ones(4, dtype)])
    assert arrays.shape == (2, 4) and arrays.dtype == dtype
    scalars = default_collate([dtype(0), dtype(1)])
    assert scalars.shape == (2,) and scalars.dtype == dtype


def test_python_numbers_follow_the_dtype_rules():
    assert default_collate([1.5, 2.0]).dtype == ft.get_default_dtype()
    ft.set_default_dtype(ft.float64)
    assert default_collate([1.5, 2.0]).dtype == np.float64
    ints = default_collate([1, 2, 3])
    assert ints.dtype == np.int64 and ints.tolist() == [1, 2, 3]
    assert default_collate([True, False]).dtype == np.bool_


def test_strings_and_bytes_stay_lists():
    assert default_collate(["a", "b"]) == ["a", "b"]
    assert default_collate([b"a", b"b"]) == [b"a", b"b"]


def test_tuples_lists_namedtuples_dicts_dataclasses_keep_their_type():
    tup = default_collate([(1, 2.0), (3, 4.0)])
    assert type(tup) is tuple and tup[0].tolist() == [1, 3]
    lst = default_collate([[1, 2], [3, 4]])
    assert type(lst) is list and lst[1].tolist() == [2, 4]
    point = default_collate([Point(1, "a"), Point(2, "b")])
    assert type(point) is Point and point.x.tolist() == [1, 2] and point.y == ["a", "b"]
    ordered = default_collate([collections.OrderedDict(b=1, a=2)] * 2)
    assert type(ordered) is collections.OrderedDict and list(ordered) == ["b", "a"]
    record = default_collate([Record(np.zeros(2), 0), Record(np.ones(2), 1)])
    assert type(record) is Record and record.image.shape == (2, 2)


def test_nested_containers_are_collated_recursively():
    samples = [{"x": (np.full(2, i, np.float32), {"id": i, "name": f"s{i}"})} for i in range(3)]
    batch = default_collate(samples)
    image, meta = batch["x"]
    assert image.shape == (3, 2) and image.dtype == np.float32
    assert meta["id"].tolist() == [0, 1, 2] and meta["name"] == ["s0", "s1", "s2"]


def test_errors_name_the_problem():
    with pytest.raises(TypeError, match="batch must contain arrays, numpy arrays, numbers, "
                                        "dicts or lists; found object"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match="found <U1"):
        default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(RuntimeError, match=r"equal size, but got \(2,\) at entry 0 and "
                                           r"\(3,\) at entry 1"):
        default_collate([np.zeros(2), np.zeros(3)])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal"):
        default_collate([(1, 2), (1,)])


def test_default_convert_converts_leaves_without_batching():
    out = default_convert({"x": np.arange(3), "t": (np.float32(1.0), "s"), "a": ft.ones(1)})
    assert isinstance(out["x"], ft.Array) and out["x"].tolist() == [0, 1, 2]
    assert isinstance(out["t"][0], ft.Array) and out["t"][1] == "s"
    assert isinstance(out["a"], ft.Array)
    assert default_convert(Point(np.zeros(1), 3)).y == 3
