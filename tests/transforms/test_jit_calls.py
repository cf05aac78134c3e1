"""What a jitted call means beyond its arguments: the global generator advances, closed-over
Parameters are read on every call and receive gradients, Python numbers keep eager
dtypes; and how jit takes arguments (static ones, non-arrays) and names itself in
errors."""

import numpy as np
import pytest

import funtorch as ft
from conftest import assert_close


# The global generator ----------------------------------------------------------------------


def _noisy(x):
    return x + ft.rand(3) + ft.randn(3)


def _draws(fn, calls):
    ft.manual_seed(0)
    return [np.asarray(fn(ft.zeros(3))) for _ in range(calls)] + [np.asarray(ft.rand(2))]


@pytest.mark.parametrize("wrap", [
    lambda f: f,
    lambda f: ft.jit(f),
    lambda f: ft.jit(lambda x: ft.jit(f)(x)),
], ids=["eager", "jit", "nested jit"])
def test_jit_draws_the_eager_sequence_from_the_global_generator(wrap):
    eager, jitted = _draws(_noisy, 3), _draws(wrap(_noisy), 3)
    for want, got in zip(eager, jitted):
        np.testing.assert_array_equal(got, want)
    assert not np.array_equal(jitted[0], jitted[1])


def test_dropout_under_jit_draws_a_new_mask_each_call():
    drop = ft.nn.Dropout(0.5).train()
    eager = _draws(lambda x: drop(x + 1.0), 3)
    jitted = _draws(ft.jit(lambda x: drop(x + 1.0)), 3)
    for want, got in zip(eager, jitted):
        np.testing.assert_array_equal(got, want)
    assert not np.array_equal(jitted[0], jitted[1])


def test_generator_stays_concrete_under_grad_and_vmap_of_jit():
    def loss(x):
        return ft.sum(x * ft.rand(3))
    eager = _draws(ft.grad(loss), 2)
    jitted = _draws(ft.grad(ft.jit(loss)), 2)
    for want, got in zip(eager, jitted):
        np.testing.assert_array_equal(got, want)
    batched = ft.vmap(ft.jit(lambda x: x + ft.rand(3)))(ft.zeros((2, 3)))
    np.testing.assert_array_equal(np.asarray(batched[0]), np.asarray(batched[1]))
    assert ft.rand(2).shape == (2,)  # the key written back is a concrete array


# Parameters and arrays that require grad ---------------------------------------------------


def _model():
    ft.manual_seed(1)
    return ft.nn.Sequential(ft.nn.Linear(3, 4), ft.nn.Tanh(), ft.nn.Linear(4, 1))


def _train(make_loss, steps=4):
    model = _model()
    opt = ft.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss_fn = make_loss(model)
    x = ft.array(np.linspace(-1, 1, 15).reshape(5, 3).astype(np.float32))
    y = ft.array(np.linspace(0, 1, 5).reshape(5, 1).astype(np.float32))
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(x, y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, [np.asarray(p.detach()) for p in model.parameters()]


def _mse(model, x, y):
    return ft.mean((model(x) - y) ** 2)


@pytest.mark.parametrize("make_loss", [
    lambda m: ft.jit(lambda x, y: _mse(m, x, y)),
    lambda m: (lambda f: lambda x, y: f(m, x, y))(ft.jit(_mse)),
], ids=["closure", "module argument"])
def test_jitted_training_loop_matches_eager_step_for_step(make_loss):
    eager_losses, eager_params = _train(lambda m: lambda x, y: _mse(m, x, y))
    losses, params = _train(make_loss)
    assert_close(losses, eager_losses, rtol=1e-5)
    assert len(set(losses)) == len(losses)  # the parameters did move
    for got, want in zip(params, eager_params):
        assert_close(got, want, rtol=1e-5)


def test_closed_over_array_that_requires_grad_gets_its_gradient():
    w = ft.tensor([1.0, 2.0], requires_grad=True)
    out = ft.jit(lambda x: ft.sum(x * w * w))(ft.ones(2))
    out.backward()
    assert_close(w.grad, [2.0, 4.0])


def test_module_argument_is_tracked_like_eager_and_untracked_under_no_grad():
    lin = ft.nn.Linear(2, 1)
    f = ft.jit(lambda m, x: ft.sum(m(x)))
    assert f(lin, ft.ones((1, 2))).requires_grad
    with ft.no_grad():
        assert not f(lin, ft.ones((1, 2))).requires_grad


def test_a_parameter_given_a_new_shape_restages():
    w = ft.nn.Parameter(ft.ones(2))
    f = ft.jit(lambda x: x * w)
    assert f(ft.array(2.0)).shape == (2,)
    w.data = ft.ones(3)
    assert_close(f(ft.array(2.0)), [2.0, 2.0, 2.0])


# Python numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize("x, scalar", [
    (ft.ones(2), 3),
    (ft.ones(2, dtype=ft.float16), 2.0),
    (ft.array(np.array([1, 2], np.int32)), 2),
    (ft.ones(2, dtype=ft.float16), 0.5),
], ids=["f32*int", "f16*float", "i32*int", "f16 where"])
def test_python_number_arguments_keep_eager_dtypes(x, scalar):
    def f(a, s):
        return a * s + ft.where(a > 0, a, s)
    want = f(x, scalar)
    got = ft.jit(f)(x, scalar)
    assert got.dtype == want.dtype
    assert_close(got, want)


def test_python_number_arguments_do_not_retrace_per_value():
    f = ft.jit(lambda x, s: x * s)
    f(ft.ones(2), 2.0)
    f(ft.ones(2), 3.0)
    assert len(f.cache) == 1


# Static arguments ----------------------------------------------------------------------------


def _scale(x, n):
    assert isinstance(n, int)  # static: a Python value while staging
    return x * n


@pytest.mark.parametrize("options, call", [
    ({"static_argnums": -1}, lambda f: f(ft.ones(2), 3)),
    ({"static_argnums": 1}, lambda f: f(ft.ones(2), n=3)),
    ({"static_argnames": "n"}, lambda f: f(ft.ones(2), n=3)),
    ({"static_argnames": ("n",)}, lambda f: f(ft.ones(2), 3)),
], ids=["negative", "number by keyword", "name by keyword", "name by position"])
def test_static_arguments_as_in_jax(options, call):
    assert_close(call(ft.jit(_scale, **options)), [3.0, 3.0])


def test_static_keyword_values_select_the_program():
    f = ft.jit(_scale, static_argnames="n")
    f(ft.ones(2), n=2)
    f(ft.ones(2), n=2)
    assert_close(f(ft.ones(2), n=5), [5.0, 5.0])
    assert len(f.cache) == 2


# Arguments and outputs that are not arrays ---------------------------------------------------


class _Scaler:
    def __init__(self):
        self.w = ft.ones(2) * 3

    @ft.jit
    def apply(self, x):
        return x * self.w


def test_object_argument_names_itself_and_suggests_static():
    with pytest.raises(TypeError, match=r"argument `self` \(position 0\) of `apply` is of "
                                        r"type _Scaler.*static_argnums=0"):
        _Scaler().apply(ft.ones(2))
    with pytest.raises(TypeError, match=r"`mode` of `<lambda>` is of type str.*"
                                        r"static_argnames='mode'"):
        ft.jit(lambda x, mode: x)(ft.ones(1), mode="fast")


def test_string_outputs_come_back_as_strings():
    f = ft.jit(ft.grad(lambda x: (ft.sum(x ** 2), "label"), has_aux=True))
    grads, aux = f(ft.ones(2))
    assert type(aux) is str and aux == "label"
    assert_close(grads, [2.0, 2.0])


# Errors name the jitted function -------------------------------------------------------------


def test_errors_raised_while_staging_name_the_function_and_line():
    @ft.jit
    def project(x, w):
        return x @ w
    with pytest.raises(ValueError, match=r"matmul: shapes .* not aligned.*`project`.*"
                                         r"test_jit_calls\.py:\d+"):
        project(ft.ones((2, 3)), ft.ones((2, 3)))
    with pytest.raises(ValueError, match=r"reshape: .*`<lambda>`"):
        ft.jit(lambda x: x.reshape(5))(ft.ones(3))


def test_make_graph_takes_keywords_and_static_arguments():
    graph = ft.make_graph(lambda x, y=1.0: x * y)(ft.ones(2), y=ft.ones(2))
    assert len(graph.invars) == 2
    graph = ft.make_graph(_scale, static_argnums=1)(ft.ones(2), 3)
    assert len(graph.invars) == 1 and "mul(" in str(graph)
