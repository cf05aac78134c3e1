"""ft.save_safetensors / ft.load_safetensors: round trips of every dtype, naming of
pytrees, PyTorch-written checkpoints (tests/fixtures/safetensors/make_fixtures.py) loading
into ft.nn models and reproducing PyTorch's outputs, bfloat16 widening, and errors."""

import os
from collections import namedtuple

import numpy as np
import pytest
from safetensors import safe_open

import funtorch as ft

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "safetensors")
DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
          "uint16", "uint32", "uint64", "bool"]


def fixture(name):
    return os.path.join(FIXTURES, name)


def _values(dtype, shape, rng):
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if np.dtype(dtype).kind == "f":
        out = rng.standard_normal(shape).astype(dtype)
        if out.size >= 3:
            out.flat[:3] = [np.nan, np.inf, -0.0]
        return out
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 0, 4), (2, 3, 4)])
def test_round_trip_every_dtype(tmp_path, dtype, shape):
    value = _values(dtype, shape, np.random.default_rng(len(shape)))
    path = tmp_path / "x.safetensors"
    ft.save_safetensors({"x": ft.asarray(value), "np": value}, path)
    loaded = ft.load_safetensors(path)
    for name in ("x", "np"):
        assert isinstance(loaded[name], ft.Array)
        assert loaded[name].dtype == np.dtype(dtype) and loaded[name].shape == shape
        np.testing.assert_array_equal(loaded[name].numpy(), value)


def test_non_contiguous_parameters_and_requires_grad(tmp_path):
    base = np.arange(12.0).reshape(3, 4)
    param = ft.nn.Parameter(ft.asarray(base))
    tree = {"t": base.T, "p": param, "g": ft.ones(2, requires_grad=True) * 3}
    ft.save_safetensors(tree, tmp_path / "x.safetensors")
    loaded = ft.load_safetensors(tmp_path / "x.safetensors")
    np.testing.assert_array_equal(loaded["t"].numpy(), base.T)
    np.testing.assert_array_equal(loaded["p"].numpy(), base)
    np.testing.assert_array_equal(loaded["g"].numpy(), [3.0, 3.0])


Pair = namedtuple("Pair", ["left", "right"])


def test_pytree_names_are_dotted_paths(tmp_path):
    tree = {"enc": {"layers": [ft.ones(1), ft.zeros(2)], "pair": Pair(ft.ones(3), 2.5)},
            "step": 7, "flag": True}
    ft.save_safetensors(tree, tmp_path / "t.safetensors")
    loaded = ft.load_safetensors(tmp_path / "t.safetensors")
    assert sorted(loaded) == ["enc.layers.0", "enc.layers.1", "enc.pair.left",
                              "enc.pair.right", "flag", "step"]
    assert loaded["enc.pair.right"].dtype == ft.get_default_dtype()  # Python float, as asarray
    assert loaded["step"].dtype == np.dtype("int64") and loaded["step"].item() == 7
    assert loaded["flag"].dtype == np.dtype("bool") and loaded["flag"].shape == ()


def _cnn():
    return ft.nn.Sequential(
        ft.nn.Conv2d(2, 4, 3, padding=1), ft.nn.BatchNorm2d(4), ft.nn.ReLU(),
        ft.nn.MaxPool2d(2), ft.nn.Flatten(), ft.nn.Linear(4 * 3 * 3, 5))


def _mlp():
    return ft.nn.Sequential(ft.nn.Linear(8, 16), ft.nn.ReLU(), ft.nn.Linear(16, 4))


def test_module_state_dict_round_trip_and_metadata(tmp_path):
    ft.manual_seed(0)
    model, fresh = _cnn(), _cnn()
    model(ft.randn(4, 2, 6, 6))  # training-mode call: running stats and counter move
    model.eval()
    fresh.eval()
    path = tmp_path / "cnn.safetensors"
    ft.save_safetensors(model, path, metadata={"format": "pt", "epoch": "3"})
    fresh.load_state_dict(ft.load_safetensors(path))
    x = ft.randn(2, 2, 6, 6)
    np.testing.assert_array_equal(fresh(x).detach().numpy(), model(x).detach().numpy())
    with safe_open(str(path), framework="np") as f:
        assert f.metadata() == {"format": "pt", "epoch": "3"}
    assert os.stat(path).st_mode & 0o777 == ft.serialization._FILE_MODE  # as ft.save's
    assert [p.name for p in tmp_path.iterdir()] == ["cnn.safetensors"]  # no temp left


@pytest.mark.parametrize("name, build, atol", [("mlp", _mlp, 1e-6), ("cnn", _cnn, 1e-5)])
def test_pytorch_checkpoint_reproduces_pytorch_outputs(name, build, atol):
    io = ft.load_safetensors(fixture("io.safetensors"))
    model = build()
    result = model.load_state_dict(ft.load_safetensors(fixture(f"{name}.safetensors")))
    assert not result.missing_keys and not result.unexpected_keys
    model.eval()
    out = model(io[f"{name}.x"])
    assert out.dtype == np.dtype("float32")
    np.testing.assert_allclose(out.detach().numpy(), io[f"{name}.y"].numpy(), rtol=1e-5,
                               atol=atol)


def test_pytorch_dtypes_and_bfloat16_widen_exactly():
    loaded = ft.load_safetensors(fixture("dtypes.safetensors"))
    base = np.array([[-3.5, 0.0, 1.25], [7.0, -0.5, 100.0]])
    for dtype in ("float64", "float32", "float16", "int64", "int32", "int16", "int8",
                  "uint8", "bool"):
        assert loaded[dtype].dtype == np.dtype(dtype), dtype
        np.testing.assert_array_equal(loaded[dtype].numpy(), base.astype(dtype), err_msg=dtype)
    bf16, exact = loaded["bf16"].numpy(), loaded["bf16_as_f32"].numpy()
    assert bf16.dtype == np.float32 and bf16.shape == (4, 5)
    np.testing.assert_array_equal(bf16.view(np.uint32), exact.view(np.uint32))  # bit-exact
    assert np.isinf(bf16[0, :2]).all() and 0 < bf16[0, 2] < 1e-37  # inf and a subnormal
    assert loaded["scalar"].shape == () and loaded["empty"].shape == (0, 3)


def test_save_errors(tmp_path):
    path = tmp_path / "x.safetensors"
    with pytest.raises(TypeError, match="metadata must be a dict of str to str"):
        ft.save_safetensors({"a": ft.ones(1)}, path, metadata={"epoch": 3})
    with pytest.raises(ValueError, match="two leaves are both named 'a.b'"):
        ft.save_safetensors({"a": {"b": ft.ones(1)}, "a.b": ft.ones(1)}, path)
    with pytest.raises(ValueError, match="no name to store it under"):
        ft.save_safetensors(ft.ones(1), path)
    with pytest.raises(TypeError, match="'z' has dtype complex128"):
        ft.save_safetensors({"z": np.ones(2, complex)}, path)
    with pytest.raises(TypeError, match="'s' is a str"):
        ft.save_safetensors({"s": "text"}, path)
    assert not path.exists() and not list(tmp_path.iterdir())


def test_missing_file():
    with pytest.raises(FileNotFoundError):
        ft.load_safetensors(os.path.join(FIXTURES, "no-such-file.safetensors"))
