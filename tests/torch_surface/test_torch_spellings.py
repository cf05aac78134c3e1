"""The two spellings of one name: NumPy's meaning for NumPy calls, torch's for torch
calls (funtorch/ops/README.md, "Torch spellings"); ``out=`` refusals; torch's dtype
rules; the adapters under vmap and jit."""

import numpy as np
import pytest

import funtorch as ft

X = np.random.RandomState(1).randn(3, 4)


def _x():
    return ft.array(X)


@pytest.mark.parametrize("call, expected", [
    (lambda: ft.max(_x(), 1), X.max(1)),
    (lambda: ft.std(_x(), 0), X.std(0)),
    (lambda: ft.var(_x(), axis=1, ddof=1), X.var(1, ddof=1)),
    (lambda: ft.split(_x(), 2, axis=1)[0], np.split(X, 2, axis=1)[0]),
    (lambda: ft.sort(_x(), 0), np.sort(X, 0)),
    (lambda: ft.transpose(_x()), X.T),
    (lambda: ft.flip(_x(), 1), np.flip(X, 1)),
    (lambda: ft.median(_x()), np.median(X)),
    (lambda: np.std(_x(), axis=0), X.std(0)),
    (lambda: np.max(_x(), axis=1), X.max(1)),
    (lambda: np.repeat(_x(), 2), np.repeat(X, 2)),
    (lambda: _x().std(), X.std()),
    (lambda: _x().var(-1, keepdims=True), X.var(-1, keepdims=True)),
], ids=range(13))
def test_numpy_calls_keep_numpy_meaning(call, expected):
    np.testing.assert_allclose(np.asarray(call()), expected, rtol=1e-12)


@pytest.mark.parametrize("call, expected", [
    (lambda: ft.max(_x(), dim=1).values, X.max(1)),
    (lambda: _x().max(1).indices, X.argmax(1)),
    (lambda: ft.std(_x(), dim=0), X.std(0, ddof=1)),
    (lambda: _x().std(0), X.std(0, ddof=1)),
    (lambda: ft.split(_x(), 3, dim=1)[1], X[:, 3:]),
    (lambda: _x().split(3, 1)[0], X[:, :3]),
    (lambda: ft.transpose(_x(), 0, 1), X.T),
    (lambda: _x().repeat(2, 1), np.tile(X, (2, 1))),
    (lambda: ft.tril(_x(), diagonal=1), np.tril(X, 1)),
    (lambda: _x().sort().indices, np.argsort(X, -1)),
], ids=range(10))
def test_torch_calls_get_torch_meaning(call, expected):
    np.testing.assert_allclose(np.asarray(call()), expected, rtol=1e-12)


@pytest.mark.parametrize("call", [
    lambda: ft.sum(_x(), dim=0, out=_x()), lambda: ft.topk(_x(), 2, out=_x()),
    lambda: ft.sub(_x(), 1, out=_x()), lambda: ft.gather(_x(), 1, ft.zeros((3, 1), int),
                                                         out=_x()),
    lambda: ft.sort(_x(), dim=0, out=_x()),
], ids=range(5))
def test_out_is_refused_naming_the_function(call):
    with pytest.raises(TypeError, match=r"\(out=...\): funtorch arrays are immutable"):
        call()


def test_torch_dtype_rules():
    ints = ft.array([[1, 2], [3, 4]])
    with pytest.raises(RuntimeError, match=r"mean\(\): could not infer output dtype.*Long"):
        ft.mean(ints, dim=0)
    assert ft.sum(ints > 2, dim=0).dtype == ft.int64
    assert ft.sum(ft.array([1, 2], dtype=ft.int32), dim=0).dtype == ft.int64
    assert ft.div(ints, 2).dtype == ft.float32
    assert ft.div(ints, 2, rounding_mode="floor").dtype == ft.int64
    assert ft.mean(ints, dim=0, dtype=ft.float64).dtype == ft.float64


def test_named_tuples_have_torch_fields():
    out = ft.topk(_x(), 2)
    values, indices = out
    assert out._fields == ("values", "indices") and values is out.values
    assert ft.aminmax(_x())._fields == ("min", "max")
    assert ft.slogdet(ft.eye(2))._fields == ("sign", "logabsdet")


def test_adapters_compose_with_vmap_and_jit():
    batch = ft.array(np.random.RandomState(2).randn(5, 3, 4))
    looped = np.stack([np.asarray(ft.cummax(b, 1).values) for b in batch])
    np.testing.assert_allclose(np.asarray(ft.vmap(lambda b: ft.cummax(b, 1).values)(batch)),
                               looped)
    jitted = ft.jit(lambda b: ft.topk(b, 2, dim=-1).values)(batch)
    np.testing.assert_allclose(np.asarray(jitted), -np.sort(-np.asarray(batch), -1)[..., :2])
    got = ft.jit(lambda b: ft.logcumsumexp(b, 0))(batch)
    np.testing.assert_allclose(np.asarray(got), np.logaddexp.accumulate(np.asarray(batch), 0),
                               rtol=1e-12)


def test_gradients_of_selections_reach_the_selected_elements():
    ft.testing.check_grads(lambda v: ft.topk(v, 2, dim=1).values, (_x(),), order=2)
    ft.testing.check_grads(lambda v: ft.logcumsumexp(v, 1), (_x(),), order=2)
    ft.testing.check_grads(lambda v: ft.gather(v, 1, ft.array([[0], [3], [1]])), (_x(),),
                           order=2)


def test_no_derivative_functions_refuse_under_grad():
    with pytest.raises(NotImplementedError, match="histc: the derivative is not implemented"):
        ft.grad(lambda v: ft.histc(v, 4).sum())(_x())
