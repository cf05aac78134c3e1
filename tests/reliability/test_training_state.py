"""One safe checkpoint of a whole training state (issue 19, item 16): ft.save/ft.load
round-trip Modules, optimizer states (NamedTuples holding Modules), dataclasses and
registered nodes without pickle, loading only allowed classes; a run stopped mid-epoch
and resumed in a fresh process continues bit for bit."""

import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

import funtorch as ft
from funtorch import nn

_SCRIPT = Path(__file__).with_name("training_state_script.py")
_ROOT = Path(__file__).resolve().parents[2]


def _run(*args):
    env = dict(os.environ, PYTHONPATH=str(_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    subprocess.run([sys.executable, str(_SCRIPT), *map(str, args)], check=True, env=env,
                   timeout=120, cwd=_ROOT)


def _values(array):
    return np.asarray(array.detach())


def test_resumed_run_in_a_fresh_process_is_bit_for_bit_identical(tmp_path):
    full, ckpt, resumed = tmp_path / "full.ft", tmp_path / "ckpt.ft", tmp_path / "resumed.ft"
    _run("full", full)
    _run("first", ckpt)
    _run("resume", ckpt, resumed)
    a, b = ft.load(full), ft.load(resumed)
    assert a["losses"] == b["losses"] and len(a["losses"]) == 14
    assert list(a["model"]) == list(b["model"])
    for name in a["model"]:
        np.testing.assert_array_equal(_values(a["model"][name]), _values(b["model"][name]))
    np.testing.assert_array_equal(_values(a["pure"].weight), _values(b["pure"].weight))
    np.testing.assert_array_equal(_values(a["key"]), _values(b["key"]))


def test_optimizer_state_of_a_module_model_round_trips(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.BatchNorm1d(4))
    opt = ft.optim.adam(1e-3)
    state = opt.init(model)
    grads = ft.grad(lambda m: ft.sum(m(ft.ones((2, 3))) ** 2))(model)
    _, state = opt.update(grads, state, model)
    ft.save({"opt": state}, tmp_path / "opt.ft")
    back = ft.load(tmp_path / "opt.ft")["opt"]
    assert type(back) is type(state) and type(back[0]) is type(state[0])
    assert type(back[0].exp_avg) is nn.Sequential
    for a, b in zip(ft.tree.leaves(state), ft.tree.leaves(back)):
        np.testing.assert_array_equal(_values(a), _values(b))


def test_module_round_trip_keeps_class_modes_parameters_and_sharing(tmp_path):
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.Tanh(), shared, nn.Dropout(0.2),
                          nn.TransformerEncoderLayer(2, 1, 4))
    model.eval()
    ft.save(model, tmp_path / "m.ft")
    back = ft.load(tmp_path / "m.ft")
    assert type(back) is nn.Sequential and not back.training and not back[3].training
    assert back[0] is back[2]  # tied modules stay tied
    assert isinstance(back[0].weight, nn.Parameter) and back[0].weight.requires_grad
    x = ft.ones((3, 2))
    np.testing.assert_array_equal(_values(back(x)), _values(model(x)))
    assert back[4].activation is model[4].activation  # a funtorch function, by path


class _Point(NamedTuple):
    x: object
    y: int


@dataclasses.dataclass
class _Config:
    lr: float
    weights: object


def test_user_classes_need_the_allow_list(tmp_path):
    path = tmp_path / "user.ft"
    ft.save({"p": _Point(ft.ones(2), 3), "c": _Config(0.1, ft.zeros(3))}, path)
    with pytest.raises(ValueError, match=r"_Point, which is not on the allow-list.*"
                                         r"ft.serialization.allow\(_Point\)"):
        ft.load(path)
    back = ft.load(path, allowed=[_Point, _Config])
    assert type(back["p"]) is _Point and back["p"].y == 3 and type(back["c"]) is _Config
    np.testing.assert_array_equal(_values(back["c"].weights), np.zeros(3))
    with pytest.raises(ValueError, match="not on the allow-list"):
        ft.load(path)  # allowed= is for that call only


def test_unimportable_classes_and_lambdas_are_refused_at_save(tmp_path):
    class Local(nn.Module):
        def forward(self, x):
            return x
    with pytest.raises(TypeError, match="cannot be found again by its import path"):
        ft.save({"m": Local()}, tmp_path / "x.ft")
    with pytest.raises(TypeError, match="cannot be found again"):
        ft.save({"f": lambda x: x}, tmp_path / "x.ft")
    assert not list(tmp_path.iterdir())  # nothing written, no temporary left


def test_parameters_arrays_and_numpy_keep_their_kinds(tmp_path):
    value = {"param": nn.Parameter(ft.ones(2)), "frozen": nn.Parameter(ft.ones(2),
                                                                        requires_grad=False),
             "tracked": ft.ones(2, requires_grad=True), "plain": ft.arange(3),
             "np": np.arange(3), "dtype": np.dtype("float32"), "set": {3, 1}, "t": (1, 2.5)}
    ft.save(value, tmp_path / "k.ft")
    back = ft.load(tmp_path / "k.ft")
    assert isinstance(back["param"], nn.Parameter) and back["param"].requires_grad
    assert not back["frozen"].requires_grad and back["tracked"].requires_grad
    assert type(back["plain"]) is ft.Array and isinstance(back["np"], np.ndarray)
    assert back["dtype"] == np.float32 and back["set"] == {1, 3} and back["t"] == (1, 2.5)


def test_allow_extends_the_list_for_every_load(tmp_path, monkeypatch):
    from funtorch import _checkpoint_codec

    monkeypatch.setattr(_checkpoint_codec, "_ALLOWED", {})
    path = tmp_path / "p.ft"
    ft.save(_Point(ft.ones(1), 2), path)
    with pytest.raises(ValueError, match="not on the allow-list"):
        ft.load(path)
    assert ft.serialization.allow(_Point) is _Point
    assert ft.load(path).y == 2
