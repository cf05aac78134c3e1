"""In-place spellings on immutable arrays: every trailing-underscore method rebinds its
handle to the pure function's result; buffers, graphs and derived arrays never change."""

from __future__ import annotations

import copy
import pathlib

import numpy as np
import pytest

import funtorch as ft
from funtorch.ops.inplace import INPLACE

_RNG = np.random.default_rng(0)


def _u(*shape, low=0.2, high=0.8):
    return ft.array(_RNG.uniform(low, high, size=shape))


def _i(*shape):
    return ft.array(_RNG.integers(1, 12, size=shape))


_BINARY = ("add sub mul div divide multiply subtract true_divide atan2 arctan2 copysign "
           "float_power fmod hypot remainder xlogy nextafter pow floor_divide heaviside igamma "
           "igammac eq ne lt le gt ge greater "
           "greater_equal less less_equal not_equal").split()
_INT_BINARY = "bitwise_and bitwise_or bitwise_xor gcd lcm logical_and logical_or logical_xor".split()
_IDX = ft.array([0, 2])

# name -> (x, args): anything not listed is unary on _u(3, 4)
_CASES = {
    **{n: (lambda: _u(3, 4), lambda: (_u(3, 4),)) for n in _BINARY},
    **{n: (lambda: _i(3, 4), lambda: (_i(3, 4),)) for n in _INT_BINARY},
    "bitwise_left_shift": (lambda: _i(3, 4), lambda: (ft.array(2),)),
    "bitwise_right_shift": (lambda: _i(3, 4), lambda: (ft.array(1),)),
    "bitwise_not": (lambda: _i(3, 4), lambda: ()),
    "gcd": (lambda: _i(3, 4), lambda: (_i(3, 4),)),
    "ldexp": (lambda: _u(3, 4), lambda: (_i(3, 4),)),
    "acosh": (lambda: _u(3, 4, low=1.5, high=3.0), lambda: ()),
    "arccosh": (lambda: _u(3, 4, low=1.5, high=3.0), lambda: ()),
    "mvlgamma": (lambda: _u(3, 4, low=2.0, high=3.0), lambda: (2,)),
    "polygamma": (lambda: _u(3, 4), lambda: (1,)),
    "clamp": (lambda: _u(3, 4), lambda: (0.3, 0.6)),
    "clip": (lambda: _u(3, 4), lambda: (0.3, 0.6)),
    "clamp_min": (lambda: _u(3, 4), lambda: (0.5,)),
    "clamp_max": (lambda: _u(3, 4), lambda: (0.5,)),
    "lerp": (lambda: _u(3, 4), lambda: (_u(3, 4), 0.3)),
    "addcmul": (lambda: _u(3, 4), lambda: (_u(3, 4), _u(3, 4))),
    "addcdiv": (lambda: _u(3, 4), lambda: (_u(3, 4), _u(3, 4))),
    "addmm": (lambda: _u(3, 4), lambda: (_u(3, 2), _u(2, 4))),
    "addmv": (lambda: _u(3), lambda: (_u(3, 2), _u(2))),
    "addr": (lambda: _u(3, 4), lambda: (_u(3), _u(4))),
    "addbmm": (lambda: _u(3, 4), lambda: (_u(2, 3, 5), _u(2, 5, 4))),
    "baddbmm": (lambda: _u(2, 3, 4), lambda: (_u(2, 3, 5), _u(2, 5, 4))),
    "cumsum": (lambda: _u(3, 4), lambda: (1,)),
    "cumprod": (lambda: _u(3, 4), lambda: (0,)),
    "index_add": (lambda: _u(3, 4), lambda: (0, _IDX, _u(2, 4))),
    "index_copy": (lambda: _u(3, 4), lambda: (0, _IDX, _u(2, 4))),
    "index_fill": (lambda: _u(3, 4), lambda: (1, _IDX, -1.0)),
    "index_reduce": (lambda: _u(3, 4), lambda: (0, _IDX, _u(2, 4), "prod")),
    "index_put": (lambda: _u(3, 4), lambda: ((_IDX,), _u(2, 4))),
    "masked_fill": (lambda: _u(3, 4), lambda: (_u(3, 4) > 0.5, 0.0)),
    "masked_scatter": (lambda: _u(3, 4), lambda: (_u(3, 4) > 0.5, _u(3, 4))),
    "put": (lambda: _u(3, 4), lambda: (ft.array([0, 5]), _u(2))),
    "scatter": (lambda: _u(3, 4), lambda: (0, ft.array([[0, 1, 2, 0]]), _u(1, 4))),
    "scatter_add": (lambda: _u(3, 4), lambda: (0, ft.array([[0, 1, 2, 0]]), _u(1, 4))),
    "scatter_reduce": (lambda: _u(3, 4), lambda: (0, ft.array([[0, 1, 2, 0]]), _u(1, 4),
                                                  "amax")),
    "renorm": (lambda: _u(3, 4), lambda: (2, 0, 0.5)),
    "squeeze": (lambda: _u(3, 1, 4), lambda: ()),
    "unsqueeze": (lambda: _u(3, 4), lambda: (0,)),
    "transpose": (lambda: _u(3, 4), lambda: (0, 1)),
    "swapaxes": (lambda: _u(3, 4), lambda: (0, 1)),
    "swapdims": (lambda: _u(3, 4), lambda: (0, 1)),
}


def _case(name):
    make_x, make_args = _CASES.get(name, (lambda: _u(3, 4), lambda: ()))
    return make_x(), make_args()


_SURFACE = pathlib.Path(__file__).resolve().parents[2] / "shared/surfaces/torch_tensor_methods.txt"


@pytest.mark.skipif(not _SURFACE.exists(), reason="the surface lists are not in this checkout")
def test_every_listed_inplace_method_exists():
    lines = [line for line in _SURFACE.read_text().splitlines() if line.strip()]
    listed = [line.split()[0] for line in lines if "# skip" not in line]
    missing = [n for n in listed if n.endswith("_") and not n.startswith("_")
               and not hasattr(ft.Array, n)]
    assert not missing


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_rebinds_to_the_pure_result(name):
    x, args = _case(name)
    alias, old = x, x.numpy().copy()
    derived = x * 1  # computed before: keeps the old value
    expected = getattr(ft.Array, name, None)
    expected = (expected(x, *args) if expected else getattr(ft, name)(x, *args))
    out = getattr(x, name + "_")(*args)
    assert out is x and alias is x
    assert x.dtype == derived.dtype  # an in-place method keeps the dtype
    np.testing.assert_allclose(x.numpy(), np.asarray(expected.numpy(), dtype=x.dtype),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(derived.numpy(), old)


@pytest.mark.parametrize("name", [n for n in INPLACE if n in _BINARY or n in (
    "exp", "sin", "tanh", "sqrt", "log", "sigmoid", "clamp", "addcmul", "addmm", "cumsum",
    "index_add", "masked_fill", "scatter_add", "lerp", "reciprocal", "square")])
def test_graph_recorded_before_still_differentiates(name):
    x, args = _case(name)
    leaf = ft.array(x.numpy() / 3.0, requires_grad=True)
    h = leaf * 3.0
    before = (h * h).sum()  # recorded before the in-place call
    h_old = h.detach().numpy()
    getattr(h, name + "_")(*args)  # h is rebound; its old value stays on the tape
    before.backward()
    np.testing.assert_allclose(leaf.grad.numpy(), 18.0 * leaf.detach().numpy())
    np.testing.assert_allclose(h.detach().numpy(), getattr(ft.Array, name)(
        ft.array(h_old), *args).numpy())


@pytest.mark.parametrize("name, args", [
    ("mul", (2.0,)), ("add", (1.0,)), ("exp", ()), ("pow", (3.0,)), ("sigmoid", ()),
    ("clamp", (0.3, 0.6)), ("masked_fill", (ft.array([True, False, True]), 0.0)),
])
def test_gradient_through_inplace_equals_pure(name, args):
    values = np.array([0.25, 0.5, 0.75])
    x = ft.array(values, requires_grad=True)
    h = x * 1.0
    getattr(h, name + "_")(*args)
    (h * h).sum().backward()
    x2 = ft.array(values, requires_grad=True)
    y = getattr(x2 * 1.0, name)(*args)
    (y * y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), x2.grad.numpy())
    assert type(h.grad_fn).__name__ == type(y.grad_fn).__name__


def test_leaf_mul_then_grad_matches_torch():
    # torch: x.clone().mul_(2).sum().backward() gives x.grad == 2
    x = ft.ones(3, requires_grad=True)
    x.clone().mul_(2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, 2.0])


def test_leaf_requiring_grad_refuses_unless_no_grad():
    w = ft.ones(2, requires_grad=True)
    for action in (lambda: w.add_(1), lambda: w.zero_()):
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            action()
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w += 1
    with ft.no_grad():
        w.add_(1)
        w *= 2
    assert w.requires_grad and w.is_leaf
    np.testing.assert_array_equal(w.detach().numpy(), [4.0, 4.0])


def test_shape_and_dtype_are_kept():
    x = ft.zeros(3)
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        x.add_(ft.ones((2, 3)))
    i = ft.array([1, 2])
    with pytest.raises(RuntimeError, match="can't be cast"):
        i.mul_(1.5)
    f32 = ft.ones(2, dtype=ft.float32)
    f32.add_(ft.ones(2, dtype=ft.float64))
    assert f32.dtype == np.float32
    b = ft.array([1.0, 2.0])
    b.eq_(ft.array([1.0, 0.0]))
    np.testing.assert_array_equal(b.numpy(), [1.0, 0.0])


def test_parameter_grad_and_data():
    p = ft.nn.Parameter(ft.ones(3))
    (p * 2).sum().backward()
    g = p.grad
    p.grad.zero_()
    assert p.grad is g and not p.grad.numpy().any()
    p.data.mul_(0.5)
    np.testing.assert_array_equal(p.detach().numpy(), [0.5] * 3)
    assert type(p) is ft.nn.Parameter and p.requires_grad
    with ft.no_grad():
        p -= 0.5 * ft.ones(3)  # the manual SGD step of PyTorch tutorials
    assert type(p) is ft.nn.Parameter
    np.testing.assert_array_equal(p.detach().numpy(), [0.0] * 3)
    x = ft.ones(2)
    x.data.add_(1)
    np.testing.assert_array_equal(x.numpy(), [2.0, 2.0])


def test_module_parameters_update_in_place():
    model = ft.nn.Linear(2, 2)
    old = model.weight.detach().numpy().copy()
    with ft.no_grad():
        for p in model.parameters():
            p.mul_(0.0)
    assert not model.weight.detach().numpy().any() and old.any()
    ft.nn.init.ones_(model.weight)
    np.testing.assert_array_equal(model.weight.detach().numpy(), np.ones((2, 2)))
    plain = ft.zeros((2, 2))
    ft.nn.init.constant_(plain, 3.0)
    np.testing.assert_array_equal(plain.numpy(), np.full((2, 2), 3.0))


def test_augmented_operators_alias_like_torch():
    x = ft.ones(2)
    y = x
    x += 1
    assert y is x and y.tolist() == [2.0, 2.0]
    z = ft.ones(2)
    z = z + ft.ones((3, 2))  # a result of another shape still rebinds the name only
    w = ft.ones(2)
    w += ft.ones((3, 2))
    assert w.shape == (3, 2)


@pytest.mark.parametrize("name, args, check", [
    ("uniform_", (2.0, 3.0), lambda v: ((v >= 2) & (v < 3)).all()),
    ("normal_", (5.0, 0.1), lambda v: abs(v.mean() - 5) < 0.1),
    ("bernoulli_", (0.5,), lambda v: set(np.unique(v)) <= {0.0, 1.0}),
    ("exponential_", (2.0,), lambda v: (v >= 0).all() and abs(v.mean() - 0.5) < 0.1),
    ("geometric_", (0.5,), lambda v: (v >= 1).all() and (v == np.round(v)).all()),
    ("log_normal_", (0.0, 0.1), lambda v: (v > 0).all()),
    ("cauchy_", (), lambda v: np.isfinite(v).all()),
    ("random_", (0, 5), lambda v: set(np.unique(v)) <= {0.0, 1.0, 2.0, 3.0, 4.0}),
    ("zero_", (), lambda v: not v.any()),
    ("fill_", (7.0,), lambda v: (v == 7).all()),
    ("copy_", (ft.arange(4.0),), lambda v: (v == np.arange(4.0)).all()),
    ("fill_diagonal_", (5.0,), lambda v: True),
])
def test_special_inplace_methods(name, args, check):
    ft.manual_seed(0)
    x = ft.zeros((1000, 4) if name != "fill_diagonal_" else (4, 4))
    getattr(x, name)(*args)
    assert x.shape[-1] == 4 and x.dtype == ft.get_default_dtype()
    assert check(x.numpy())


def test_detach_and_requires_grad():
    x = ft.ones(2, requires_grad=True)
    h = x * 2
    h.detach_()
    assert not h.requires_grad and h.grad_fn is None
    v = ft.zeros(2).requires_grad_()
    assert v.requires_grad and v.is_leaf


def test_traced_values_name_the_pure_spelling():
    with pytest.raises(TypeError, match=r"pure spelling `x = x.add\(...\)`"):
        ft.grad(lambda x: x.add_(1).sum())(ft.ones(2))
    with pytest.raises(TypeError, match="exp"):
        ft.vmap(lambda x: x.exp_())(ft.ones((2, 2)))
    # augmented operators rebind the name of a traced value, as in JAX
    def f(x):
        x += 1
        x *= x
        return x.sum()
    np.testing.assert_allclose(ft.grad(f)(ft.ones(2)).numpy(), [4.0, 4.0])
    np.testing.assert_allclose(ft.jit(f)(ft.ones(2)).item(), 8.0)


def test_deepcopy_and_copy():
    model = ft.nn.Sequential(ft.nn.Linear(2, 3), ft.nn.Linear(3, 1))
    model[0].weight.grad = ft.ones((3, 2))
    clone = copy.deepcopy(model)
    for (_, a), (_, b) in zip(model.named_parameters(), clone.named_parameters()):
        assert a is not b and type(b) is ft.nn.Parameter and b.requires_grad
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    np.testing.assert_array_equal(clone[0].weight.grad.numpy(), np.ones((3, 2)))
    with ft.no_grad():
        clone[0].weight.add_(1)
    assert not np.array_equal(model[0].weight.detach().numpy(),
                              clone[0].weight.detach().numpy())
    shared = ft.nn.Linear(2, 2)
    both = ft.nn.Sequential(shared, shared)
    twin = copy.deepcopy(both)
    assert twin[0] is twin[1] and twin[0] is not shared
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(ft.ones(2, requires_grad=True) * 2)
    assert copy.copy(ft.ones(2, requires_grad=True)).requires_grad
    import pickle
    with pytest.raises(TypeError, match="pickling"):
        pickle.dumps(ft.nn.Parameter(ft.ones(2)))


_TRANSFORMS_OF_F = {  # each reads f's backward pass after f rebound its closed-over c
    "grad": lambda f, x: ft.grad(lambda v: f(v).sum())(x),
    "vjp_fn": lambda f, x: ft.vjp(f, x)[1](ft.ones(3, dtype=x.dtype))[0],
    "vmap_vjp_fn": lambda f, x: ft.vmap(ft.vjp(f, x)[1])(ft.eye(3, dtype=x.dtype))[0].sum(0),
    "jacrev": lambda f, x: ft.jacrev(f)(x).sum(0),
    "grad_of_grad": lambda f, x: ft.grad(lambda v: ft.grad(lambda u: f(u).sum())(v).sum())(x),
    "hessian": lambda f, x: ft.hessian(lambda v: f(v).sum())(x).sum(0),
}
_WANT = {"grad_of_grad": lambda x: 2.0 * np.ones(3), "hessian": lambda x: 2.0 * np.ones(3)}


@pytest.mark.parametrize("transform", sorted(_TRANSFORMS_OF_F))
def test_closed_over_array_rebound_after_use_keeps_its_recorded_value(transform):
    # f uses c, then rebinds it in place: every backward pass must see c's value at the
    # time of use (funtorch's second-order and vmapped passes read the rebound c)
    def make():
        c = ft.ones(3)

        def f(x):
            y = x * c * x
            c.add_(1.0)
            return y
        return f

    x = ft.array([1.0, 2.0, 3.0])
    got = np.asarray(_TRANSFORMS_OF_F[transform](make(), x))
    want = _WANT.get(transform, lambda x: 2.0 * x)(np.asarray(x))
    np.testing.assert_allclose(got, want, rtol=1e-12)
