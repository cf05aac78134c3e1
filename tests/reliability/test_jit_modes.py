"""jit of a function closing over a Module reads its training flags and buffers on every
call (issue 19, item 3): the cache is guarded on the modes, buffers are inputs."""

import numpy as np
import pytest

import funtorch as ft
from funtorch import nn


def _np(x):
    return np.asarray(x.detach()) if isinstance(x, ft.Array) else np.asarray(x)


def _drop_fraction(y):
    return float(np.mean(_np(y) == 0))


def test_closure_dropout_follows_eval_and_train():
    model = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Dropout(0.5))
    with ft.no_grad():
        model[0].weight.data = ft.ones((4, 4))
        model[0].bias.data = ft.ones(4)
    x = ft.ones((200, 4))
    predict = ft.jit(lambda x: model(x))
    assert 0.3 < _drop_fraction(predict(x)) < 0.7
    model.eval()
    np.testing.assert_array_equal(_np(predict(x)), np.full((200, 4), 5.0))
    model.train()
    assert 0.3 < _drop_fraction(predict(x)) < 0.7


def test_global_module_and_bound_method():
    global _GLOBAL_MODEL
    _GLOBAL_MODEL = nn.Dropout(0.5)

    def predict(x):
        return _GLOBAL_MODEL(x)
    jitted, method = ft.jit(predict), ft.jit(_GLOBAL_MODEL.forward)
    module_itself = ft.jit(_GLOBAL_MODEL)
    x = ft.ones((400,))
    for fn in (jitted, method, module_itself):
        _GLOBAL_MODEL.train()
        assert 0.3 < _drop_fraction(fn(x)) < 0.7
        _GLOBAL_MODEL.eval()
        np.testing.assert_array_equal(_np(fn(x)), np.ones(400))


def test_module_held_by_an_object():
    class Trainer:
        def __init__(self):
            self.net = nn.Sequential(nn.Dropout(0.5))

        def predict(self, x):
            return self.net(x)
    trainer = Trainer()
    predict = ft.jit(trainer.predict)
    x = ft.ones((400,))
    assert 0.3 < _drop_fraction(predict(x)) < 0.7
    trainer.net.eval()
    np.testing.assert_array_equal(_np(predict(x)), np.ones(400))


def test_batchnorm_switches_statistics_both_ways():
    bn = nn.BatchNorm1d(3)
    x = ft.array(np.random.default_rng(0).normal(2.0, 3.0, (16, 3)).astype(np.float32))
    f = ft.jit(lambda x: bn(x))
    bn.eval()
    np.testing.assert_allclose(_np(f(x)), _np(x) / np.sqrt(1 + 1e-5), rtol=1e-6)
    bn.train()
    out = _np(f(x))
    np.testing.assert_allclose(out.mean(0), 0.0, atol=1e-5)  # batch statistics now


def test_batchnorm_training_under_jit_updates_running_stats_like_eager():
    rng = np.random.default_rng(1)
    batches = [ft.array(rng.normal(1.0, 2.0, (8, 3)).astype(np.float32)) for _ in range(3)]
    eager, staged = nn.BatchNorm1d(3), nn.BatchNorm1d(3)
    step = ft.jit(lambda x: staged(x))
    for x in batches:
        np.testing.assert_allclose(_np(step(x)), _np(eager(x)), rtol=1e-5,
                                   atol=1e-6)
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        np.testing.assert_allclose(_np(getattr(staged, name)),
                                   _np(getattr(eager, name)), rtol=1e-6)
    assert len(step.cache) == 1  # buffers are inputs: one program for all steps


def test_eval_reads_buffers_changed_after_compiling():
    bn = nn.BatchNorm1d(2).eval()
    f = ft.jit(lambda x: bn(x))
    x = ft.ones((4, 2))
    f(x)
    bn.running_mean = ft.full((2,), 1.0)
    np.testing.assert_allclose(_np(f(x)), 0.0, atol=1e-6)
    bn.load_state_dict({**bn.state_dict(), "running_var": ft.full((2,), 4.0),
                        "running_mean": ft.zeros(2)})
    np.testing.assert_allclose(_np(f(x)), 1 / np.sqrt(4 + 1e-5), rtol=1e-6)


def test_gradients_through_closed_over_module_still_recorded():
    model = nn.Linear(3, 1)
    f = ft.jit(lambda x: ft.sum(model(x)))
    f(ft.ones((2, 3))).backward()
    np.testing.assert_allclose(_np(model.weight.grad), np.full((1, 3), 2.0))
    model.eval()
    model.zero_grad()
    f(ft.ones((2, 3))).backward()
    np.testing.assert_allclose(_np(model.weight.grad), np.full((1, 3), 2.0))


def test_vmap_of_training_batchnorm_closure_raises():
    bn = nn.BatchNorm1d(2)
    f = ft.jit(lambda x: bn(x))
    with pytest.raises(TypeError, match="buffer|running statistics"):
        ft.vmap(f)(ft.ones((3, 4, 2)))


def test_vmap_of_eval_batchnorm_closure_reads_running_stats():
    bn = nn.BatchNorm1d(2).eval()
    bn.running_mean = ft.full((2,), 1.0)
    f = ft.jit(lambda x: bn(x))
    out = ft.vmap(f)(ft.full((3, 4, 2), 2.0))
    np.testing.assert_allclose(_np(out), 1 / np.sqrt(1 + 1e-5), rtol=1e-6)
    assert type(bn.running_mean) is ft.Array


def test_plain_functions_are_not_guarded():
    f = ft.jit(lambda x: x * 2.0)
    f(ft.ones(2))
    assert list(f.cache) and all(len(key) == 3 for key in f.cache)


def test_nested_jit_and_grad_of_jit_update_running_stats_like_eager():
    x = ft.array(np.random.default_rng(2).normal(size=(4, 2)).astype(np.float32))
    bn, eager = nn.BatchNorm1d(2), nn.BatchNorm1d(2)
    inner = ft.jit(lambda v: bn(v))
    outer = ft.jit(lambda v: inner(v) * 2)
    np.testing.assert_allclose(_np(outer(x)), _np(eager(x)) * 2, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(bn.running_mean), _np(eager.running_mean), rtol=1e-6)
    grad = ft.grad(lambda v: ft.sum(inner(v) ** 3))(x)
    expected = ft.grad(lambda v: ft.sum(eager(v) ** 3))(x)
    np.testing.assert_allclose(_np(grad), _np(expected), rtol=1e-4, atol=1e-5)
    assert type(bn.running_mean) is ft.Array
    np.testing.assert_allclose(_np(bn.running_mean), _np(eager.running_mean), rtol=1e-6)


def test_closure_over_exotic_objects_does_not_break_jit():
    import weakref
    from unittest import mock

    class Holder:
        pass
    holder = Holder()
    dead = weakref.proxy(holder)
    del holder
    fake = mock.MagicMock()
    f = ft.jit(lambda x: x * 2 if fake is not None and dead is not None else x)
    np.testing.assert_array_equal(_np(f(ft.ones(2))), [2.0, 2.0])
