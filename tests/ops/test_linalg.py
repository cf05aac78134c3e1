"""Products (``matmul, dot, tensordot, einsum, inner, outer, mm, bmm``): values against
NumPy, gradients to second order against finite differences, the primitives' JVP and
batching rules, float32, and error messages. The helpers here are shared with
``test_decompositions.py`` (``ft.linalg``)."""

import numpy as np
import pytest

import funtorch as ft
from funtorch.core import Primitive, bind

RNG = np.random.default_rng(0)
INF = np.inf


def rand(*shape):
    return RNG.standard_normal(shape)


def f64(x):
    return ft.array(np.asarray(x, dtype=np.float64))


def well_conditioned(*shape):
    return rand(*shape) * 0.3 + 3.0 * np.eye(shape[-1])


def spd(*shape):
    a = rand(*shape) * 0.5
    return a @ np.swapaxes(a, -1, -2) + 2.0 * np.eye(shape[-1])


def separated(*shape):
    """Distinct, non-zero singular values (where the SVD is differentiable)."""
    k = min(shape[-2:])
    spread = np.zeros(shape[-2:])
    spread[range(k), range(k)] = np.arange(k, 0, -1) * 1.5
    return rand(*shape) * 0.1 + spread


def numeric_grad(f, x, eps=1e-6):
    """Central finite differences of a scalar ``f`` (NumPy in, float out) at ``x``."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = eps
        grad[index] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def check_grads(fun, x, rtol=1e-5, atol=1e-6):
    """First and second order reverse mode of ``fun`` (Array -> Array) at NumPy ``x``.

    The output is contracted with fixed weights to give a scalar. First order: the
    gradient against finite differences. Second order: ``grad(grad(.))`` of
    ``t -> scalar(x + t v)`` against a finite-difference second derivative, and the
    Hessian-vector product ``grad(<grad, v>)`` against differences of the gradient.
    """
    weights = f64(rand(*fun(f64(x)).shape))
    direction = rand(*x.shape)

    def scalar(a):
        return ft.sum(fun(a) * weights)

    def value(a):
        return scalar(f64(a)).item()

    grad = ft.grad(scalar)
    np.testing.assert_allclose(grad(f64(x)).numpy(), numeric_grad(value, x), rtol, atol)
    def along(t):
        return scalar(f64(x) + t * f64(direction))
    second = ft.grad(ft.grad(along))(f64(0.0)).item()
    h = 1e-4
    expected = (value(x + h * direction) - 2 * value(x) + value(x - h * direction)) / h ** 2
    np.testing.assert_allclose(second, expected, rtol=1e-4, atol=1e-4)
    hvp = ft.grad(lambda a: ft.sum(grad(a) * f64(direction)))(f64(x)).numpy()
    eps = 1e-5
    fd_hvp = (grad(f64(x + eps * direction)).numpy() - grad(f64(x - eps * direction)).numpy())
    np.testing.assert_allclose(hvp, fd_hvp / (2 * eps), rtol=1e-4, atol=1e-5)


def check_jvp_rule(name, args, params):
    """The primitive's JVP rules (summed over arguments) against finite differences."""
    prim = Primitive.registry[name]
    tangents = [rand(*np.shape(a)) for a in args]
    ans = bind(prim, *[f64(a) for a in args], **params)
    total = sum(rule(f64(t), ans, *[f64(a) for a in args], **params).numpy()
                for rule, t in zip(prim.jvp, tangents))
    eps = 1e-6
    plus = bind(prim, *[f64(a + eps * t) for a, t in zip(args, tangents)], **params).numpy()
    minus = bind(prim, *[f64(a - eps * t) for a, t in zip(args, tangents)], **params).numpy()
    np.testing.assert_allclose(total, (plus - minus) / (2 * eps), rtol=1e-6, atol=1e-7)


def check_batch_rule(name, args, params, bdims):
    """The primitive's batching rule against a loop over 3 examples (``None``: unbatched)."""
    prim = Primitive.registry[name]
    bdims = list(bdims[:len(args)]) + [None] * (len(args) - len(bdims))
    if all(d is None for d in bdims):
        bdims[0] = 0
    examples = [[a * (1 + 0.01 * k) if d is not None else a for a, d in zip(args, bdims)]
                for k in range(3)]
    stacked = [f64(np.stack([e[i] for e in examples], d)) if d is not None else f64(a)
               for i, (a, d) in enumerate(zip(args, bdims))]
    out, out_bdim = prim.batch(stacked, bdims, **params)
    expected = np.stack([bind(prim, *[f64(a) for a in e], **params).numpy() for e in examples])
    np.testing.assert_allclose(np.moveaxis(out.numpy(), out_bdim, 0), expected, rtol=1e-10,
                               atol=1e-12)


def check_float32(fun, reference, operands):
    """float32 inputs give float32 outputs that agree with NumPy in float64."""
    got = fun(*[ft.array(x.astype(np.float32)) for x in operands])
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.numpy(), reference(*operands), rtol=1e-4, atol=1e-4)


# Values against NumPy ---------------------------------------------------------------------

MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                 ((5, 2, 3), (3,)), ((3,), (5, 3, 2)), ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)),
                 ((2, 1, 3, 4), (5, 4, 2)), ((1, 1), (1, 1)), ((4, 0), (0, 2))]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES)
def test_matmul_operator_and_methods_match_numpy(shapes):
    a, b = rand(*shapes[0]), rand(*shapes[1])
    expected = np.matmul(a, b)
    for got in (ft.matmul(a, b), f64(a) @ f64(b), f64(a).matmul(f64(b)), a @ f64(b),
                f64(a) @ b):
        assert got.shape == expected.shape
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12, atol=1e-12)


def test_matmul_dtypes_follow_numpy():
    ints = np.arange(6).reshape(2, 3)
    assert ft.matmul(ints, ints.T).dtype == np.int64
    np.testing.assert_array_equal(ft.matmul(ints, ints.T).numpy(), ints @ ints.T)
    assert ft.matmul(ints, rand(3, 2)).dtype == np.float64
    x32 = ft.array(rand(2, 3).astype(np.float32))
    assert (x32 @ x32.T).dtype == np.float32


DOT_SHAPES = [((), (3,)), ((3,), ()), ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)),
              ((2, 3), (3, 4)), ((2, 3, 4), (4,)), ((4,), (5, 4, 6)), ((2, 3, 4), (5, 4, 6)),
              ((2, 3), (5, 3, 2))]


@pytest.mark.parametrize("shapes", DOT_SHAPES)
def test_dot_matches_numpy(shapes):
    a, b = rand(*shapes[0]), rand(*shapes[1])
    np.testing.assert_allclose(ft.dot(a, b).numpy(), np.dot(a, b), rtol=1e-12)
    np.testing.assert_allclose(f64(a).dot(f64(b)).numpy(), np.dot(a, b), rtol=1e-12)


@pytest.mark.parametrize("shapes,axes", [
    (((2, 3, 4), (3, 4, 5)), 2), (((2, 3), (3, 4)), 1), (((2, 3), (4,)), 0),
    (((2, 3, 4), (4, 5, 2)), ([0, 2], [2, 0])), (((2, 3, 4), (4, 3)), ([-1, -2], [0, 1])),
    (((2, 3), (3, 2)), (1, 0)), (((3,), (3,)), 1), (((), ()), 0)])
def test_tensordot_matches_numpy(shapes, axes):
    a, b = rand(*shapes[0]), rand(*shapes[1])
    expected = np.tensordot(a, b, axes)
    got = ft.tensordot(a, b, axes)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("shapes", [((3,), (3,)), ((2, 3), (4, 3)), ((2, 3, 4), (5, 4)),
                                    ((), (2, 3))])
def test_inner_matches_numpy(shapes):
    a, b = rand(*shapes[0]), rand(*shapes[1])
    np.testing.assert_allclose(ft.inner(a, b).numpy(), np.inner(a, b), rtol=1e-12)


def test_outer_mm_bmm_match_numpy():
    a, b = rand(2, 3), rand(4)
    np.testing.assert_allclose(ft.outer(a, b).numpy(), np.outer(a, b), rtol=1e-12)
    m, n = rand(2, 3), rand(3, 4)
    np.testing.assert_allclose(ft.mm(m, n).numpy(), m @ n, rtol=1e-12)
    p, q = rand(5, 2, 3), rand(5, 3, 4)
    np.testing.assert_allclose(ft.bmm(p, q).numpy(), p @ q, rtol=1e-12)


EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]), ("ij", [(2, 3)]), ("ji", [(2, 3)]), ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]), ("i,i", [(3,)] * 2), ("i,i->i", [(3,)] * 2), ("i,j->ij", [(2,), (3,)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]), ("...ij,...jk->...ik", [(5, 2, 3), (3, 4)]),
    ("...ij,...jk", [(1, 2, 3), (5, 3, 4)]), ("...ii->...i", [(4, 3, 3)]),
    ("a...,a", [(2, 3, 4), (2,)]), ("iij->ji", [(3, 3, 2)]), ("ij,ij->ij", [(1, 3), (2, 3)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]), (",ij->ij", [(), (2, 3)]),
    ("ijk,ikl->jl", [(2, 3, 4), (2, 4, 2)]), ("Ab,bA->", [(2, 3), (3, 2)]),
    ("i j , j k -> i k", [(2, 3), (3, 4)]), ("ii,ij->j", [(3, 3), (3, 2)]),
]


@pytest.mark.parametrize("subscripts,shapes", EINSUM_CASES)
def test_einsum_matches_numpy(subscripts, shapes):
    operands = [rand(*s) for s in shapes]
    expected = np.einsum(subscripts, *operands)
    got = ft.einsum(subscripts, *[f64(x) for x in operands])
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12, atol=1e-12)


def test_einsum_interleaved_sublists_match_numpy():
    a, b = rand(2, 3), rand(3, 4)
    np.testing.assert_allclose(ft.einsum(a, [0, 1], b, [1, 2], [0, 2]).numpy(),
                               np.einsum(a, [0, 1], b, [1, 2], [0, 2]), rtol=1e-12)
    np.testing.assert_allclose(ft.einsum(a, [0, 1], b, [1, 2]).numpy(),
                               np.einsum(a, [0, 1], b, [1, 2]), rtol=1e-12)
    assert ft.einsum(rand(4, 2, 3), [Ellipsis, 1]).shape == (4, 2, 3)


# Gradients, first and second order ----------------------------------------------------------


@pytest.mark.parametrize("shapes", MATMUL_SHAPES[:-1])
@pytest.mark.parametrize("argnum", [0, 1])
def test_matmul_gradients(shapes, argnum):
    a, b = rand(*shapes[0]), rand(*shapes[1])
    if argnum == 0:
        check_grads(lambda x: ft.matmul(x, f64(b)) ** 2, a)
    else:
        check_grads(lambda y: ft.matmul(f64(a), y) ** 2, b)


@pytest.mark.parametrize("shapes", DOT_SHAPES)
def test_dot_gradients(shapes):
    a, b = rand(*shapes[0]), rand(*shapes[1])
    check_grads(lambda x: ft.dot(x, f64(b)) ** 2, a)
    check_grads(lambda y: ft.sin(ft.dot(f64(a), y)), b)


@pytest.mark.parametrize("axes,b_shape", [(2, (3, 4, 2)), (0, (2,)), (([0, 2], [2, 0]), (4, 5, 2))])
def test_tensordot_inner_outer_gradients(axes, b_shape):
    a, b, c = rand(2, 3, 4), rand(*b_shape), rand(5, 4)
    check_grads(lambda x: ft.tensordot(x, f64(b), axes) ** 2, a)
    check_grads(lambda y: ft.tensordot(f64(a), y, axes) ** 2, b)
    check_grads(lambda x: ft.inner(x, f64(c)) ** 2, a)
    check_grads(lambda x: ft.outer(x, f64(b)) ** 2, a)


@pytest.mark.parametrize("subscripts,shapes", EINSUM_CASES)
def test_einsum_gradients_for_every_operand(subscripts, shapes):
    operands = [rand(*s) for s in shapes]
    for index in range(len(operands)):
        def f(x, index=index):
            args = [f64(o) for o in operands]
            args[index] = x
            return ft.einsum(subscripts, *args) ** 2
        check_grads(f, operands[index])


def test_mm_bmm_gradients():
    right, stack = f64(rand(3, 2)), f64(rand(2, 4, 3))
    check_grads(lambda x: ft.mm(x, right) ** 2, rand(4, 3))
    check_grads(lambda x: ft.bmm(stack, x) ** 2, rand(2, 3, 2))


def test_pytorch_style_backward_through_matmul():
    w = ft.array(rand(3, 2), requires_grad=True)
    x = f64(rand(4, 5, 3))
    (x @ w).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), np.broadcast_to(
        x.numpy().reshape(-1, 3).sum(0)[:, None], (3, 2)), rtol=1e-12)
    assert type((x @ w).grad_fn).__name__.startswith("MmBackward")


# The primitives' JVP and batching rules -------------------------------------------------------

RULE_CASES = [
    ("matmul", (rand(2, 3, 4), rand(4, 2)), {}),
    ("matmul", (rand(3, 4), rand(2, 1, 4, 2)), {}),
    ("einsum", (rand(3, 3, 2), rand(2, 4)), {"spec": (("iij", "jk"), "ki")}),
    ("einsum", (rand(2, 3), rand(3, 4), rand(4, 2)), {"spec": (("ij", "jk", "kl"), "il")}),
    ("einsum", (rand(3, 3),), {"spec": (("ii",), "")}),
    ("einsum", (rand(2, 3),), {"spec": (("ij",), "j")}),
]


@pytest.mark.parametrize("name,args,params", RULE_CASES)
def test_jvp_rules_match_finite_differences(name, args, params):
    check_jvp_rule(name, args, params)


@pytest.mark.parametrize("name,args,params", RULE_CASES)
@pytest.mark.parametrize("bdims", [(0, None), (None, 0), (1, 2), (2, 0)])
def test_batch_rules_match_a_loop(name, args, params, bdims):
    check_batch_rule(name, args, params, bdims)


def test_matmul_is_one_backend_call(monkeypatch):
    prim = Primitive.registry["matmul"]
    calls = []
    impl = prim.impl
    monkeypatch.setattr(prim, "impl", lambda xp, a, b: calls.append(1) or impl(xp, a, b))
    a, b = rand(5, 2, 3), rand(3)
    np.testing.assert_allclose(ft.matmul(a, b).numpy(), a @ b, rtol=1e-12)
    assert len(calls) == 1


@pytest.mark.parametrize("fun,reference,shapes", [
    (ft.matmul, np.matmul, [(5, 2, 3), (3, 4)]), (ft.dot, np.dot, [(2, 3, 4), (5, 4, 2)]),
    (lambda a, b: ft.einsum("bij,jk->bik", a, b), lambda a, b: np.einsum("bij,jk->bik", a, b),
     [(2, 2, 3), (3, 4)]), (ft.tensordot, np.tensordot, [(2, 3, 4), (3, 4, 2)])])
def test_float32_stays_float32_and_agrees_with_numpy(fun, reference, shapes):
    check_float32(fun, reference, [rand(*s) for s in shapes])


# Errors -----------------------------------------------------------------------------------------

ERROR_CASES = [
    (lambda: ft.matmul(ft.ones((3, 4)), ft.ones((5, 6))),
     (r"matmul: shapes \(3, 4\) and \(5, 6\) are not aligned: 4 \(dim 1 of the first\) != 5 "
      r"\(dim 0 of the second\)")),
    (lambda: ft.ones((3, 4)) @ ft.ones((5,)),
     r"matmul: shapes \(3, 4\) and \(5,\) are not aligned"),
    (lambda: ft.matmul(ft.ones((2, 3, 4)), ft.ones((5, 4, 2))),
     r"matmul: the batch dimensions of shapes \(2, 3, 4\) and \(5, 4, 2\) cannot be broadcast"),
    (lambda: ft.matmul(ft.ones(()), ft.ones((3,))),
     "matmul: both operands need at least one dimension.*use ft.multiply"),
    (lambda: bind(Primitive.registry["matmul"], ft.ones((3, 4)), ft.ones((5, 6))),
     r"matmul: shapes \(3, 4\) and \(5, 6\) are not aligned"),
    (lambda: ft.mm(ft.ones((2, 3, 4)), ft.ones((4, 5))),
     r"mm: expected two 2-D matrices, got shapes \(2, 3, 4\) and \(4, 5\); use ft.matmul"),
    (lambda: ft.mm(ft.ones((2, 3)), ft.ones((4, 5))), r"mm: shapes \(2, 3\) and \(4, 5\) are not"),
    (lambda: ft.bmm(ft.ones((2, 3)), ft.ones((3, 4))), r"bmm: expected two 3-D stacks"),
    (lambda: ft.bmm(ft.ones((2, 2, 3)), ft.ones((3, 3, 4))), r"bmm: .*same batch size"),
    (lambda: ft.dot(ft.ones((2, 3)), ft.ones((4, 5))), r"dot: shapes \(2, 3\) and \(4, 5\)"),
    (lambda: ft.inner(ft.ones((2, 3)), ft.ones((4,))), r"inner: shapes \(2, 3\) and \(4,\)"),
    (lambda: ft.tensordot(ft.ones((2, 3)), ft.ones((4, 5)), 1), r"tensordot: shapes \(2, 3\)"),
    (lambda: ft.tensordot(ft.ones((2, 3)), ft.ones((3,)), 2), r"tensordot: axes=2 must be in"),
    (lambda: ft.tensordot(ft.ones((2, 3)), ft.ones((3,)), ([0, 1], [0])),
     "tensordot: .*give equal counts"),
    (lambda: ft.einsum("ij,jk->ik", ft.ones((2, 3))),
     "einsum: subscripts 'ij,jk->ik' name 2 operands but 1 were given"),
    (lambda: ft.einsum("ij,jk->ik", ft.ones((2, 3)), ft.ones((4, 4))),
     r"einsum: label 'j' has size 3 in operand 0 \(shape \(2, 3\)\) but size 4 in operand 1"),
    (lambda: ft.einsum("i1->i", ft.ones((2, 3))), "einsum: invalid subscripts 'i1->i'"),
    (lambda: ft.einsum("ij->ik", ft.ones((2, 3))), "einsum: output label 'k'"),
    (lambda: ft.einsum("ij->ii", ft.ones((2, 2))), "einsum: output label 'i'"),
    (lambda: ft.einsum("ijk->i", ft.ones((2, 3))), r"einsum: operand 0 has shape \(2, 3\)"),
    (lambda: ft.einsum("...ij->ij", ft.ones((4, 2, 3))), "einsum: .*write '...' in the output"),
    (lambda: ft.einsum("ij"), "einsum: expected at least one operand"),]


@pytest.mark.parametrize("call,message", ERROR_CASES)
def test_errors_are_value_errors_naming_the_function_and_shapes(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_vmap_of_products_matches_numpy():
    a, b = rand(4, 2, 3), rand(3, 5)
    np.testing.assert_allclose(ft.vmap(lambda x: x @ f64(b))(f64(a)).numpy(), a @ b, rtol=1e-12)
    np.testing.assert_allclose(ft.vmap(lambda x: ft.einsum("ij,jk->ik", x, f64(b)))(f64(a)).numpy(),
                               a @ b, rtol=1e-12)
    np.testing.assert_allclose(ft.vmap(ft.dot, in_axes=(0, None))(f64(a), f64(b)).numpy(),
                               a @ b, rtol=1e-12)
