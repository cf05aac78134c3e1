"""Autograd hooks against torch 2.13 (the fixture and the scenarios are in
``tests/fixtures/make_hooks_fixtures.py``), plus the functional path and anomaly mode."""

from __future__ import annotations

import importlib.util
import json
import pathlib

import numpy as np
import pytest

import funtorch as ft

_GEN = pathlib.Path(__file__).parent / "fixtures" / "make_hooks_fixtures.py"
_spec = importlib.util.spec_from_file_location("make_hooks_fixtures", _GEN)
scenarios = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(scenarios)
_REFERENCE = json.loads(scenarios.PATH.read_text())


def _close(a, b):
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_close, a, b))
    if isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool):
        return abs(a - b) <= 1e-6 * max(1.0, abs(a))
    return a == b


@pytest.mark.parametrize("name", sorted(scenarios.SCENARIOS))
def test_hooks_match_torch(name):
    got = json.loads(json.dumps(scenarios.SCENARIOS[name](ft)))
    assert _close(_REFERENCE[name], got), (got, _REFERENCE[name])


def test_hook_errors_and_context_handle():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        ft.ones(2).register_hook(print)
    with pytest.raises(RuntimeError, match="requires_grad=False"):
        ft.ones(2).retain_grad()
    x = ft.ones(2, requires_grad=True)
    with x.register_hook(lambda g: g * 0):
        (x * 2).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    (x * 2).sum().backward()  # removed on leaving the with block
    assert x.grad.tolist() == [2.0, 2.0]
    with pytest.raises(RuntimeError, match="shape"):
        x.register_hook(lambda g: ft.ones(3))
        (x * 2).sum().backward()


def test_hooks_survive_inplace_rebinding():
    x = ft.ones(2, requires_grad=True)
    h = x * 2
    seen = []
    h.register_hook(lambda g: seen.append(g.tolist()))
    y = (h * 3).sum()
    h.add_(1)  # the hook stays on the value it was registered on
    y.backward()
    assert seen == [[3.0, 3.0]]


def test_forward_hooks_run_in_the_functional_path():
    model = ft.nn.Linear(3, 2)
    calls = []
    model.register_forward_pre_hook(lambda m, a: calls.append("pre"))
    model.register_forward_hook(lambda m, a, out: out * 2)
    model.register_full_backward_hook(lambda m, gi, go: calls.append("bw"))
    x = ft.ones((4, 3))
    g = ft.grad(lambda m: m(x).sum())(model)
    np.testing.assert_allclose(g.weight.detach().numpy(), np.full((2, 3), 8.0))
    assert calls == ["pre"]  # backward hooks belong to backward(); see nn/README.md


def test_prepend_and_kwargs_hooks():
    model = ft.nn.Identity()
    calls = []
    model.register_forward_hook(lambda m, a, o: calls.append("second"))
    model.register_forward_hook(lambda m, a, o: calls.append("first"), prepend=True)
    model.register_forward_pre_hook(lambda m, a, kw: ((a[0] + 1,), kw), with_kwargs=True)
    assert model(ft.zeros(1)).tolist() == [1.0] and calls == ["first", "second"]


def test_detect_anomaly_names_the_op():
    x = ft.zeros(1, requires_grad=True)
    with ft.autograd.detect_anomaly():
        assert ft.autograd.is_anomaly_enabled()
        with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan "
                                               "values in its 0th output"):
            with np.errstate(all="ignore"):
                (ft.sqrt(x) * 0).sum().backward()
    assert not ft.autograd.is_anomaly_enabled()
    with np.errstate(all="ignore"):
        (ft.sqrt(x) * 0).sum().backward()  # off: the NaN flows into .grad silently
    assert np.isnan(x.grad.numpy()).all()
    ft.autograd.set_detect_anomaly(True)
    try:
        assert ft.autograd.is_anomaly_enabled()
    finally:
        ft.autograd.set_detect_anomaly(False)


def test_post_accumulate_grad_hook_and_inplace_functions():
    p = ft.nn.Parameter(ft.ones(2))
    seen = []
    handle = p.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
    (p * 3).sum().backward()
    (p * 3).sum().backward()
    handle.remove()
    (p * 3).sum().backward()
    assert seen == [[3.0, 3.0], [6.0, 6.0]]
    with pytest.raises(RuntimeError, match="non-leaf"):
        (p * 2).register_post_accumulate_grad_hook(print)
    x = ft.array([0.0, 1.0])
    assert ft.exp_(x) is x and np.allclose(x.tolist(), [1.0, np.e])
    assert ft.zero_(x) is x and x.tolist() == [0.0, 0.0]
