"""Every primitive's buffer-level VJP rules (``Primitive.vjp_buf``) against its ``vjp`` rules.

First-order reverse mode over plain arrays runs the buffer rules (``funtorch/backprop.py``);
every other use of reverse mode runs ``vjp``. The two must agree exactly in dtype and to
rounding in value, on the primitive's own samples (float64 and float32), with a Python
scalar operand, and with operands of mixed dtypes (where NumPy's promotion differs from
funtorch's and the buffer rule defers to ``vjp``). A new primitive with buffer rules is
covered the moment it is declared.
"""

import importlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import funtorch as ft
from funtorch import backprop
from funtorch.core import Array, Primitive, bind
from funtorch.ops import buffer_vjp
from funtorch.testing.strategies import Sampler

buffer_vjp.derive_pending()
WITH_BUFFER_RULES = sorted(n for n, p in Primitive.registry.items() if p.vjp_buf is not None)
SETTINGS = settings(max_examples=4, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _buf(value):
    return value._buf if isinstance(value, Array) else value


def _cotangent(like, rng):
    g = ft.array(rng.standard_normal(like.shape).astype(like.dtype))
    if like.dtype.kind == "c":
        g = g + 1j * ft.array(rng.standard_normal(like.shape).astype(like.dtype))
    return g


def _compare(prim, args, params, rng, unused=()):
    # a multiple-results primitive: a tuple of cotangents (the buffer rule gets None for
    # the outputs in ``unused``, the vjp rule zeros, as their backward passes give them)
    ans = bind(prim, *args, **params)
    if prim.multiple_results:
        g = tuple(ft.zeros_like(a) if i in unused else _cotangent(a, rng)
                  for i, a in enumerate(ans))
        g_buf = [None if i in unused else c._buf for i, c in enumerate(g)]
        ans_buf = tuple(a._buf for a in ans)
    else:
        g = _cotangent(ans, rng)
        g_buf, ans_buf = g._buf, ans._buf
    for index, arg in enumerate(args):
        if not (isinstance(arg, Array) and arg.dtype.kind in "fc"):
            continue
        want = prim.vjp[index](g, ans, *args, **params)
        got = prim.vjp_buf[index](g_buf, ans_buf, *map(_buf, args), **params)
        # a backend array (NumPy gives 0-d results as NumPy scalars, as funtorch holds them)
        assert isinstance(got, (np.ndarray, np.generic)), f"{prim.name}[{index}]: {got!r}"
        assert got.dtype == want.dtype, f"{prim.name}[{index}]: {got.dtype} vs {want.dtype}"
        assert got.shape == want.shape, f"{prim.name}[{index}]: {got.shape} vs {want.shape}"
        tol = 1e-5 if want.dtype in (np.float32, np.complex64) else 1e-12
        np.testing.assert_allclose(got, want._buf, rtol=tol, atol=tol, equal_nan=True,
                                   err_msg=f"{prim.name}: argument {index}")


_NARROW = {np.dtype(np.float64): np.float32, np.dtype(np.complex128): np.complex64}


def _narrowed(args):
    return tuple(a.astype(_NARROW[a.dtype]) if isinstance(a, Array) and a.dtype in _NARROW
                 else a for a in args)


@pytest.mark.parametrize("name", WITH_BUFFER_RULES)
@SETTINGS
@given(data=st.data())
def test_buffer_rules_equal_vjp_rules(name, data):
    prim = Primitive.registry[name]
    args, params = prim.samples(Sampler(data.draw, np.float64))
    rng = np.random.default_rng(data.draw(st.integers(0, 99)))
    _compare(prim, args, params, rng)
    _compare(prim, _narrowed(args), params, rng)  # float32 stays float32 in both


# two differentiable operands (gather's second, the indices, has no rule)
BINARY = [n for n in WITH_BUFFER_RULES if len(Primitive.registry[n].vjp_buf) == 2
          and None not in Primitive.registry[n].vjp_buf]


@pytest.mark.parametrize("name", BINARY)
@SETTINGS
@given(data=st.data())
def test_buffer_rules_with_scalars_and_mixed_dtypes(name, data):
    # a Python-scalar operand (elementwise ones), float32 meeting float64, an integer array
    # (values 1 and 2, inside every domain here): where NumPy promotes unlike funtorch the
    # rule defers
    prim = Primitive.registry[name]
    (x, y), params = prim.samples(Sampler(data.draw, np.float64))
    rng = np.random.default_rng(data.draw(st.integers(0, 99)))
    ints = {side: ft.array(rng.integers(1, 3, np.shape(v))) for side, v in (("x", x), ("y", y))}
    x32, = _narrowed((x,))
    for pair in [(x, 1.5), (1.5, y), (x32, 1.5), (x32, y), (x, ints["y"]), (ints["x"], y),
                 (x32, ints["y"])]:
        if all(isinstance(v, Array) for v in pair) or prim.name != "matmul":  # no scalars
            _compare(prim, pair, params, rng)


def test_hot_primitives_have_buffer_rules():
    # the elementwise core of every model: losing a buffer rule is a silent slowdown
    assert {"add", "sub", "mul", "div", "sin", "cos", "tanh", "exp", "log", "sum",
            "pow", "sqrt", "sigmoid", "relu", "maximum"} <= set(WITH_BUFFER_RULES)


def _calls(monkeypatch):
    """Count reverse mode's passes over buffers (``funtorch.grad`` imports the function)."""
    calls = []
    original = backprop.backprop_tape

    def counting(tape, cts):
        calls.append(1)
        return original(tape, cts)
    monkeypatch.setattr(importlib.import_module("funtorch.grad"), "backprop_tape", counting)
    return calls


def test_first_order_grad_runs_on_buffers_higher_order_does_not(monkeypatch):
    calls = _calls(monkeypatch)

    def f(x):
        return ft.sum(ft.tanh(x) * x * 3 + ft.sin(x) / (x * x + 1.0) - x ** 2)
    x = ft.array([0.3, -0.7, 1.2])
    first = ft.grad(f)(x)
    assert calls == [1]
    calls.clear()
    ft.testing.check_grads(f, (x,), order=2, modes=("rev",))
    hessian = ft.hessian(f)(x)  # the inner grad's pass is traced: the vjp rules run
    assert hessian.shape == (3, 3)
    calls.clear()
    ft.jacfwd(ft.grad(f))(x)
    assert calls == []
    np.testing.assert_allclose(first, ft.jacrev(f)(x), rtol=1e-12)


def test_float32_stays_float32_with_integer_and_scalar_operands():
    counts = ft.array([1, 2, 3])
    weights = ft.array([0.5, 0.25, 2.0], dtype=ft.float64)

    def f(x):
        return ft.sum(x * counts + 2 * x - x / counts + x ** 2) + ft.sum(x * weights)
    x = ft.array([0.1, 0.2, 0.3], dtype=ft.float32)
    g = ft.grad(f)(x)
    assert g.dtype == ft.float32
    want = (counts._buf + 2 - 1 / counts._buf + 2 * x._buf.astype(np.float64) + weights._buf)
    np.testing.assert_allclose(g, want, rtol=1e-6)


COMPLEX = [n for n in WITH_BUFFER_RULES if Primitive.registry[n].complex]


def _complexified(args, rng):
    return tuple(a + 1j * ft.array(rng.uniform(-0.5, 0.5, a.shape)) if isinstance(a, Array)
                 and a.dtype.kind == "f" else a for a in args)


@pytest.mark.parametrize("name", COMPLEX)
@SETTINGS
@given(data=st.data())
def test_buffer_rules_equal_vjp_rules_on_complex_inputs(name, data):
    # JAX's convention (a VJP is the transpose of the JVP, no conjugate) in both
    prim = Primitive.registry[name]
    args, params = prim.samples(Sampler(data.draw, np.float64))
    rng = np.random.default_rng(data.draw(st.integers(0, 99)))
    _compare(prim, _complexified(args, rng), params, rng)
    if len(args) == 2:  # a real operand meeting a complex one: the rule defers to vjp
        _compare(prim, (_complexified(args, rng)[0], args[1]), params, rng)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_grad_on_buffers_equals_the_traced_pass_bitwise(dtype):
    # ft.grad runs the buffer pass; jacrev (vmap of vjp) the traced one: same arithmetic
    rng = np.random.default_rng(0)
    x = ft.array(rng.uniform(0.2, 1.5, (3, 4))).astype(dtype)
    w = ft.array(rng.uniform(-1.0, 1.0, (4,))).astype(dtype)

    def f(x):
        y = ft.tanh(x) * w + ft.exp(-x) / (x + 1.0) - ft.sqrt(x) * ft.sin(x) ** 2
        return ft.sum(ft.log(y * y + 1.0) @ w) + ft.sum(x[1:, ::2].T.reshape(-1))
    buffered, traced = ft.grad(f)(x), ft.jacrev(f)(x)
    assert buffered.dtype == traced.dtype == dtype
    np.testing.assert_array_equal(buffered.numpy(), traced.numpy())


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_backward_on_buffers_equals_create_graph_bitwise(dtype):
    # backward() runs the buffer pass; create_graph=True records the traced one
    grads = []
    for create_graph in (False, True):
        x = ft.array(np.linspace(0.2, 1.5, 12).reshape(3, 4)).astype(dtype).requires_grad_()
        w = ft.array(np.linspace(-1.0, 1.0, 4)).astype(dtype)
        y = ft.tanh(x) * w + ft.exp(-x) / (x + 1.0) - ft.sqrt(x) * ft.sin(x) ** 2
        ft.sum(ft.log(y * y + 1.0) @ w).backward(create_graph=create_graph)
        grads.append(x.grad.detach())
    assert grads[0].dtype == grads[1].dtype == dtype
    np.testing.assert_array_equal(grads[0].numpy(), grads[1].numpy())


def test_simple_vjp_flag_follows_reassigned_rules():
    # reverse mode's plain path tests prim.simple_vjp instead of four fields: it must follow
    # assignments made after the declaration (ops reassign .vjp, as mul and neg do)
    from funtorch.core import Primitive
    prim = Primitive("_flag_probe", lambda xp, x: x * 2.0, shape=lambda x: (x.shape, x.dtype),
                     vjp=(lambda g, ans, x: g * 2.0,), register=False)
    assert prim.simple_vjp
    prim.vjp = (None,)
    assert not prim.simple_vjp
    with pytest.raises(TypeError, match="has no VJP rule for argument 0"):
        ft.grad(lambda x: ft.sum(prim(x)))(ft.ones(2))
    prim.vjp = (lambda g, ans, x: g * 2.0,)
    assert prim.simple_vjp and ft.grad(lambda x: ft.sum(prim(x)))(ft.ones(2)).tolist() == [2.0, 2.0]
    prim.nondiff = True
    assert not prim.simple_vjp


def _tied(dtype):
    return ft.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], dtype=dtype)


# params and operands the primitives' samples miss: full reductions to a 0-d result (a
# NumPy scalar cotangent), ties at the extreme, mixed dtypes, Python scalars
EXTRA_CASES = [
    ("logsumexp", lambda d: ((ft.ones((2, 3), dtype=d),), {"axis": (0, 1), "keepdims": False})),
    ("max", lambda d: ((_tied(d),), {"axis": (0, 1), "keepdims": False})),
    ("max", lambda d: ((_tied(d),), {"axis": (1,), "keepdims": False})),
    ("min", lambda d: ((_tied(d),), {"axis": (0,), "keepdims": True})),
    ("prod", lambda d: ((ft.array([[0.0, 2.0, 3.0], [0.0, 0.0, 1.0], [1.0, 2.0, 4.0]],
                                  dtype=d),), {"axis": (1,), "keepdims": False})),
    ("prod", lambda d: ((ft.array([0.0, 2.0, 3.0], dtype=d),), {"axis": (0,), "keepdims": False})),
    ("where", lambda d: ((ft.array([True, False]), ft.ones(2, dtype=d) * 0.5,
                          ft.array([1.0 + 2.0j, -1.0j])), {})),
    ("where", lambda d: ((ft.array([[True], [False]]), 2.0, ft.ones(3, dtype=d)), {})),
    ("convert", lambda d: ((ft.ones(3, dtype=d),), {"dtype": np.dtype(np.complex128)})),
    ("convert", lambda d: ((ft.array([1.0 + 1.0j, 2.0]),), {"dtype": np.dtype(d)})),
    ("concatenate", lambda d: ((ft.ones((2, 2), dtype=d), ft.ones((1, 2))), {"axis": 0})),
    ("pad", lambda d: ((ft.ones((3,), dtype=d),), {"widths": ((2, 0),), "values": ((1.0, 0.0),)})),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, case", EXTRA_CASES)
def test_buffer_rules_equal_vjp_rules_on_extra_cases(name, case, dtype):
    args, params = case(dtype)
    _compare(Primitive.registry[name], args, params, np.random.default_rng(0))


@pytest.mark.parametrize("unused", [(0,), (1, 2), (0, 2)])
def test_split_buffer_rule_fills_pieces_without_cotangent(unused):
    x = ft.array(np.random.default_rng(0).standard_normal((3, 7))).astype(np.float32)
    _compare(Primitive.registry["split"], (x,), {"indices": (2, 5), "axis": 1},
             np.random.default_rng(1), unused)


def test_float16_broadcast_gradient_accumulates_in_float32():
    # the gradient of a broadcast operand sums 3000 rows: float16 accumulation would stall
    # past 2048 (the buffer pass summed in float16, the traced pass in float32)
    rng = np.random.default_rng(1)
    x = ft.array(rng.uniform(0, 1, (3000, 7))).astype(np.float16)
    b = ft.array(rng.uniform(0, 1, (7,))).astype(np.float16)

    def f(b):
        return ft.sum(x * b * x)
    np.testing.assert_array_equal(ft.grad(f)(b).numpy(), ft.jacrev(f)(b).numpy())
    want = np.sum(x.numpy().astype(np.float32) ** 2, axis=0)
    np.testing.assert_allclose(ft.grad(f)(b).numpy().astype(np.float32), want, rtol=2e-3)


def _classifier(x):
    padded = ft.pad(x, ((0, 0), (1, 1), (0, 2)))
    windows = ft.sliding_window_view(padded, (2, 2), axis=(1, 2))[:, ::2, ::2]
    pooled = ft.max(windows, axis=(-2, -1))
    both = ft.concatenate([pooled, ft.min(windows, axis=(-1, -2))], axis=1)
    logits = ft.where(both > 0, both, 0.5 * both).reshape(2, -1)
    picked = logits[ft.array([0, 1]), ft.array([3, 3])]
    return ft.sum(ft.logsumexp(logits, axis=1) - picked)


def _mixer(x):
    mixed = ft.einsum("bij,bkj->bik", x, x[:, ::-1]) + ft.einsum("bii->b", x)[:, None, None]
    spread = mixed.at[:, ft.array([0, 0, 2])].add(x[:, :3, :] * 2.0)
    return (ft.sum(ft.abs(ft.cumsum(spread, axis=2)).astype(ft.float64))
            + ft.sum(ft.prod(x[:, :3, :3] + 1.5, axis=2))
            + ft.sum(ft.split(x, [2, 4], axis=2)[1] ** 2))  # pieces 0 and 2 get no cotangent


@pytest.mark.parametrize("fun", [_classifier, _mixer])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_hand_written_buffer_rules_equal_the_traced_pass_bitwise(fun, dtype, monkeypatch):
    # the primitives with hand-written buffer rules, end to end: none is pulled wrapped
    rng = np.random.default_rng(0)
    x = ft.array(rng.uniform(-1.0, 1.0, (2, 6, 6))).astype(dtype)
    pulled = []
    original = getattr(backprop, "_pull_wrapped", None)  # (its name is the pass's business)
    if original is not None:
        monkeypatch.setattr(backprop, "_pull_wrapped", lambda node, *rest: (
            pulled.append(node.prim.name), original(node, *rest))[1])
    buffered = ft.grad(fun)(x)
    assert pulled == []
    traced = ft.jacrev(fun)(x)
    assert buffered.dtype == traced.dtype == dtype
    np.testing.assert_array_equal(buffered.numpy(), traced.numpy())
