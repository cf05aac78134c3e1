"""ft.save / ft.load: round trips, types preserved, and clear errors for bad files."""

import json
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import funtorch as ft


def test_round_trip_nested_structure(tmp_path):
    path = tmp_path / "ckpt.ft"
    obj = {"epoch": 3, "lr": 0.5, "name": "run", "flag": True, "none": None,
           "nested": [ft.arange(3), (ft.ones((2, 2), dtype=ft.float64), {"k": 1.5})],
           "ints": ft.array([1, 2], dtype=ft.int32), "np": np.arange(4.0),
           7: "int key"}
    ft.save(obj, path)
    back = ft.load(path)
    assert back["epoch"] == 3 and type(back["epoch"]) is int
    assert back["lr"] == 0.5 and type(back["lr"]) is float
    assert back["name"] == "run" and back["flag"] is True and back["none"] is None
    assert back[7] == "int key"
    assert isinstance(back["nested"], list) and isinstance(back["nested"][1], tuple)
    assert isinstance(back["nested"][0], ft.Array)
    assert back["nested"][1][0].dtype == ft.float64 and back["ints"].dtype == ft.int32
    assert isinstance(back["np"], np.ndarray)
    np.testing.assert_array_equal(back["nested"][0].numpy(), [0, 1, 2])


def test_state_dict_round_trip_keeps_order_and_loads(tmp_path):
    model = ft.nn.Sequential(ft.nn.Linear(3, 4), ft.nn.BatchNorm1d(4))
    path = str(tmp_path / "model.ft")
    ft.save(model.state_dict(), path)
    back = ft.load(path)
    assert isinstance(back, OrderedDict) and list(back) == list(model.state_dict())
    fresh = ft.nn.Sequential(ft.nn.Linear(3, 4), ft.nn.BatchNorm1d(4))
    fresh.load_state_dict(back)
    np.testing.assert_array_equal(fresh[0].weight.detach().numpy(),
                                  model[0].weight.detach().numpy())


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        ft.load(tmp_path / "absent.ft")


def _bad_files(tmp_path):
    good = tmp_path / "good.ft"
    ft.save({"w": ft.ones(100)}, good)
    data = good.read_bytes()
    foreign_zip = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign_zip, "w") as archive:
        archive.writestr("hello.txt", "hi")
    other_npz = tmp_path / "other.npz"
    np.savez(other_npz, x=np.ones(3))
    wrong_manifest = tmp_path / "wrong.npz"
    np.savez(wrong_manifest, __manifest__=np.frombuffer(json.dumps({"format": "x"}).encode(),
                                                        np.uint8))
    files = {"truncated": data[: len(data) // 2], "garbage": b"not a checkpoint at all",
             "empty": b"", "pickle": b"\x80\x04\x95\x00"}
    paths = [foreign_zip, other_npz, wrong_manifest]
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(path)
    return paths


def test_corrupt_truncated_or_foreign_files_raise_value_error(tmp_path):
    for path in _bad_files(tmp_path):
        with pytest.raises(ValueError, match="is not a valid funtorch file") as info:
            ft.load(path)
        assert str(path) in str(info.value)


def test_unsupported_values_raise_type_error(tmp_path):
    with pytest.raises(TypeError, match=r"cannot store a object at <root>\['x'\]"):
        ft.save({"x": object()}, tmp_path / "bad.ft")
    assert not (tmp_path / "bad.ft").exists()
