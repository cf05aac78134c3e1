"""``concatenate``/``cat``, ``stack``, ``split``, ``tile``, ``repeat``, ``pad``, ``triu``,
``tril``, ``diag``, ``trace``, ``sort`` and ``argsort``: values against NumPy, gradients
against central finite differences in float64, the primitives' rules, and the errors."""

import numpy as np
import pytest

import funtorch as ft
from funtorch.core import Primitive, bind

RNG = np.random.default_rng(1)


def _fd_vjp_check(f, args, eps=1e-6, tol=1e-6):
    """<ct, J d> by central differences against <vjp(ct), d> for random ct and d."""
    assert all(a.dtype == np.float64 for a in args), "finite differences need float64"
    out, pullback = ft.vjp(f, *args)
    outs = out if isinstance(out, (list, tuple)) else [out]
    cts = [RNG.standard_normal(o.shape) for o in outs]
    grads = pullback(type(out)(ft.array(c) for c in cts) if outs is out else ft.array(cts[0]))
    for n, (arg, grad) in enumerate(zip(args, grads)):
        d = RNG.standard_normal(arg.shape)
        plus = f(*[a + eps * d if k == n else a for k, a in enumerate(args)])
        minus = f(*[a - eps * d if k == n else a for k, a in enumerate(args)])
        plus, minus = (p if isinstance(p, (list, tuple)) else [p] for p in (plus, minus))
        numeric = sum(np.sum((np.asarray(p) - np.asarray(m)) / (2 * eps) * c)
                      for p, m, c in zip(plus, minus, cts))
        analytic = np.sum(np.asarray(grad) * d)
        assert abs(numeric - analytic) <= tol * (1 + abs(numeric)), (n, numeric, analytic)


def _randn(*shape):
    return ft.array(RNG.standard_normal(shape))


def _same(got, expected):
    got = np.asarray(got)
    assert got.shape == np.shape(expected) and got.dtype == np.asarray(expected).dtype
    np.testing.assert_array_equal(got, expected)


# concatenate, stack, split ----------------------------------------------------------------


@pytest.mark.parametrize("shapes, axis", [
    ([(2, 3), (1, 3), (4, 3)], 0), ([(2, 1), (2, 4)], 1), ([(2, 3, 1), (2, 3, 2)], -1),
    ([(3,), (2, 2)], None), ([(2, 3)], 0), ([(0, 3), (2, 3)], 0),
])
def test_concatenate_matches_numpy(shapes, axis):
    arrays = [RNG.standard_normal(s) for s in shapes]
    _same(ft.concatenate([ft.array(a) for a in arrays], axis=axis),
          np.concatenate(arrays, axis=axis))
    _fd_vjp_check(lambda *xs: ft.concatenate(xs, axis=axis), tuple(ft.array(a) for a in arrays))


def test_concatenate_promotes_mixes_inputs_and_many_arrays():
    _same(ft.concatenate([ft.arange(2), np.array([0.5]), [7]]),
          np.array([0.0, 1.0, 0.5, 7.0]))
    pieces = [RNG.standard_normal((1, 2)) for _ in range(70)]
    _same(ft.concatenate(pieces), np.concatenate(pieces))
    _fd_vjp_check(lambda *xs: ft.concatenate(xs), tuple(ft.array(p) for p in pieces[:40]))


def test_cat_uses_pytorch_order():
    x = ft.ones((2, 2))
    assert ft.cat([x, x], 1).shape == (2, 4)
    assert type(ft.cat([ft.array([1.0], requires_grad=True), x[0]]).grad_fn).__name__ == \
        "CatBackward0"


@pytest.mark.parametrize("arrays, match", [
    ([], "need at least one array"),
    ([ft.ones(()), ft.ones(())], "zero-dimensional arrays cannot be concatenated"),
    ([ft.ones((2, 3)), ft.ones((2, 4))], "along dimension 1 the array at index 0 has size 3 "
                                         "and the array at index 1 has size 4"),
    ([ft.ones((2, 3)), ft.ones(3)], "must have the same number of dimensions"),
])
def test_concatenate_errors(arrays, match):
    with pytest.raises(ValueError, match=f"concatenate: .*{match}"):
        ft.concatenate(arrays)


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
def test_stack_matches_numpy(axis):
    arrays = [RNG.standard_normal((2, 3)) for _ in range(3)]
    _same(ft.stack(arrays, axis=axis), np.stack(arrays, axis=axis))
    _fd_vjp_check(lambda *xs: ft.stack(xs, axis), tuple(ft.array(a) for a in arrays))


def test_stack_errors():
    with pytest.raises(ValueError, match="stack: all input arrays must have the same shape"):
        ft.stack([ft.ones(2), ft.ones(3)])
    with pytest.raises(ValueError, match="stack: axis 3 is out of bounds"):
        ft.stack([ft.ones(2)], axis=3)


@pytest.mark.parametrize("sections, axis", [
    (3, 0), ([2, 5], 0), ([1, 1], 1), ([-2], 0), ([4, 2], 0), ([], 1), (1, 1), ([0, 10], 0),
])
def test_split_matches_numpy(sections, axis):
    x = RNG.standard_normal((6, 4))
    got = ft.split(x, sections, axis=axis)
    expected = np.split(x, sections, axis=axis)
    assert isinstance(got, list) and len(got) == len(expected)
    for g, e in zip(got, expected):
        _same(g, e)
    _fd_vjp_check(lambda a: ft.split(a, sections, axis), (ft.array(x),))


def test_split_errors():
    with pytest.raises(ValueError, match="split: array split does not result in an equal "
                                         "division"):
        ft.split(ft.ones(5), 2)
    with pytest.raises(ValueError, match="split: number of sections must be larger than 0"):
        ft.split(ft.ones(5), 0)


# tile, repeat ------------------------------------------------------------------------------


@pytest.mark.parametrize("shape, reps", [
    ((3,), 2), ((2, 3), (2, 1)), ((2,), (3, 2)), ((2, 1, 3), (2,)), ((2, 2), (1, 1)),
    ((), (2, 3)), ((3,), 0),
])
def test_tile_matches_numpy(shape, reps):
    x = RNG.standard_normal(shape)
    _same(ft.tile(x, reps), np.tile(x, reps))
    _fd_vjp_check(lambda a: ft.tile(a, reps), (ft.array(x),))


def test_tile_errors():
    with pytest.raises(ValueError, match="tile: negative dimensions are not allowed"):
        ft.tile(ft.ones(2), -1)


@pytest.mark.parametrize("shape, repeats, axis", [
    ((2, 3), 2, None), ((2, 3), 2, 1), ((2, 3), [1, 0, 3], 1), ((2, 3), np.array([2, 1]), 0),
    ((2, 3), 0, 0), ((4,), [3], 0), ((), 3, None), ((2, 3), [1, 2, 0, 1, 1, 2], None),
])
def test_repeat_matches_numpy(shape, repeats, axis):
    x = RNG.standard_normal(shape)
    _same(ft.repeat(x, repeats, axis=axis), np.repeat(x, repeats, axis=axis))
    _same(ft.array(x).repeat(repeats, axis=axis), np.repeat(x, repeats, axis=axis))
    _fd_vjp_check(lambda a: ft.repeat(a, repeats, axis), (ft.array(x),))


def test_repeat_errors():
    with pytest.raises(ValueError, match="repeat: 2 repeats given for an axis of size 3"):
        ft.repeat(ft.ones(3), [1, 2])
    with pytest.raises(ValueError, match="repeat: negative dimensions are not allowed"):
        ft.repeat(ft.ones(3), -1)
    with pytest.raises(TypeError, match="repeat: repeats must be an int"):
        ft.repeat(ft.ones(3), 1.5)


# pad -------------------------------------------------------------------------------------


PAD_WIDTHS = [1, (2,), (1, 3), ((0, 2), (3, 1)), ((2, 0),), 0, ((4, 5), (0, 7))]


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric", "wrap"])
@pytest.mark.parametrize("pad_width", PAD_WIDTHS, ids=repr)
def test_pad_matches_numpy(mode, pad_width):
    x = RNG.standard_normal((3, 4))
    _same(ft.pad(x, pad_width, mode=mode), np.pad(x, pad_width, mode=mode))
    _fd_vjp_check(lambda a: ft.pad(a, pad_width, mode=mode), (ft.array(x),))


@pytest.mark.parametrize("values", [2.5, (1, 2), ((1, 2), (3, 4)), ((-1,), (5,))])
def test_pad_constant_values(values):
    x = np.arange(6).reshape(2, 3)
    _same(ft.pad(x, ((1, 2), (2, 1)), constant_values=values),
          np.pad(x, ((1, 2), (2, 1)), constant_values=values))
    _same(ft.pad(x.astype(bool), 1), np.pad(x.astype(bool), 1))


@pytest.mark.parametrize("kwargs, error, match", [
    ({"pad_width": -1}, ValueError, "pad: `pad_width` can't contain negative values"),
    ({"pad_width": 1.5}, TypeError, "pad: `pad_width` must be of integral type"),
    ({"pad_width": ((1, 2, 3),)}, ValueError, "pad: `pad_width` must be an int, a"),
    ({"pad_width": 1, "mode": "mean"}, ValueError, "pad: mode 'mean' is not supported"),
    ({"pad_width": 1, "mode": "reflect", "reflect_type": "odd"}, ValueError,
     "only reflect_type='even'"),
    ({"pad_width": 1, "constant_values": (1, 2, 3)}, ValueError, "`constant_values` must be"),
])
def test_pad_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        ft.pad(ft.ones((2, 2)), **kwargs)


def test_pad_of_an_empty_axis_in_edge_mode_names_pad():
    with pytest.raises(ValueError, match="pad: can't extend empty axis"):
        ft.pad(ft.ones((0, 2)), 1, mode="edge")


# triu, tril, diag, trace -----------------------------------------------------------------


@pytest.mark.parametrize("fn", ["triu", "tril"])
@pytest.mark.parametrize("shape, k", [((4, 4), 0), ((3, 5), 1), ((5, 3), -2), ((2, 3, 4), 0),
                                      ((4,), 1), ((2, 2), 9), ((3, 3), -9)])
def test_triangles_match_numpy(fn, shape, k):
    x = RNG.standard_normal(shape)
    _same(getattr(ft, fn)(x, k), getattr(np, fn)(x, k))
    _same(getattr(ft, fn)(x > 0, k), getattr(np, fn)(x > 0, k))
    _fd_vjp_check(lambda a: getattr(ft, fn)(a, k), (ft.array(x),))
    with pytest.raises(ValueError, match=f"{fn}: input must be at least 1-d"):
        getattr(ft, fn)(ft.array(1.0))


@pytest.mark.parametrize("shape, k", [((3,), 0), ((3,), 2), ((2,), -1), ((3, 3), 0),
                                      ((3, 5), 2), ((4, 2), -1), ((2, 3), 5), ((0,), 1)])
def test_diag_matches_numpy(shape, k):
    x = RNG.standard_normal(shape)
    _same(ft.diag(x, k), np.diag(x, k))
    _same(ft.diag(np.arange(int(np.prod(shape))).reshape(shape), k),
          np.diag(np.arange(int(np.prod(shape))).reshape(shape), k))
    _fd_vjp_check(lambda a: ft.diag(a, k), (ft.array(x),))


def test_diag_errors():
    with pytest.raises(ValueError, match=r"diag: input must be 1-d or 2-d, got shape \(2, 2, 2\)"):
        ft.diag(ft.ones((2, 2, 2)))


@pytest.mark.parametrize("shape, offset, axis1, axis2", [
    ((3, 3), 0, 0, 1), ((3, 4), 1, 0, 1), ((4, 3), -2, 0, 1), ((2, 3, 4), 0, 1, 2),
    ((2, 3, 4), 1, 2, 0), ((2, 3, 4), 0, -1, -3), ((3, 3), 5, 0, 1),
])
def test_trace_matches_numpy(shape, offset, axis1, axis2):
    x = RNG.standard_normal(shape)
    np.testing.assert_allclose(np.asarray(ft.trace(x, offset, axis1, axis2)),
                               np.trace(x, offset, axis1, axis2), rtol=1e-12, atol=1e-12)
    _fd_vjp_check(lambda a: ft.trace(a, offset, axis1, axis2), (ft.array(x),))


def test_trace_dtypes_and_errors():
    _same(ft.trace(np.arange(9, dtype=np.int32).reshape(3, 3)),
          np.trace(np.arange(9, dtype=np.int32).reshape(3, 3)))
    assert ft.trace(ft.eye(2), dtype=ft.float64).dtype == np.float64
    with pytest.raises(ValueError, match="trace: expected an array of at least 2 dimensions"):
        ft.trace(ft.ones(3))
    with pytest.raises(ValueError, match="trace: axis1 and axis2 cannot be the same"):
        ft.trace(ft.ones((2, 2)), axis1=1, axis2=-1)


# sort, argsort ---------------------------------------------------------------------------


@pytest.mark.parametrize("shape, axis", [((5,), -1), ((3, 4), 0), ((3, 4), 1), ((2, 3, 4), None),
                                         ((2, 3, 4), -2), ((0, 2), 0)])
def test_sort_and_argsort_match_numpy(shape, axis):
    x = RNG.standard_normal(shape)
    _same(ft.sort(x, axis=axis), np.sort(x, axis=axis))
    _same(ft.argsort(x, axis=axis), np.argsort(x, axis=axis, kind="stable"))
    _same(ft.array(x).sort(axis=axis), np.sort(x, axis=axis))
    _same(ft.array(x).argsort(axis=axis), np.argsort(x, axis=axis, kind="stable"))
    _fd_vjp_check(lambda a: ft.sort(a, axis=axis), (ft.array(x),))


def test_argsort_is_stable_and_sort_sends_gradients_to_sorted_positions():
    assert ft.argsort(ft.array([1, 0, 1, 0, 1])).tolist() == [1, 3, 0, 2, 4]
    weights = ft.array([1.0, 10.0, 100.0], dtype=ft.float64)
    g = ft.grad(lambda a: (ft.sort(a) * weights).sum())(ft.array([3.0, 1.0, 2.0],
                                                                 dtype=ft.float64))
    assert g.tolist() == [100.0, 1.0, 10.0]


def test_sort_errors():
    with pytest.raises(ValueError, match="sort: axis 2 is out of bounds"):
        ft.sort(ft.ones((2, 2)), axis=2)
    with pytest.raises(ValueError, match="argsort: `order`"):
        ft.argsort(ft.ones(2), order="a")


# The primitives' rules ---------------------------------------------------------------------

CASES = [
    ("concatenate", [_randn(2, 3), _randn(1, 3), _randn(4, 3)], {"axis": 0}),
    ("concatenate", [_randn(2, 1, 2), _randn(2, 4, 2)], {"axis": 1}),
    ("pad", [_randn(2, 3)], {"widths": ((1, 0), (2, 3)), "values": ((0.5, -1.0), (0.0, 2.0))}),
    ("pad", [_randn(3)], {"widths": ((0, 2),), "values": ((1.0, 1.0),)}),
    ("argsort", [_randn(3, 4)], {"axis": 1}),
]


@pytest.mark.parametrize("name, args, params", CASES)
def test_rules_against_finite_differences(name, args, params):
    prim = Primitive.registry[name]
    ans = bind(prim, *args, **params)
    assert prim.shape(*args, **params) == (ans.shape, ans.dtype)
    if prim.nondiff:
        return
    _fd_vjp_check(lambda *a: bind(prim, *a, **params), tuple(args))
    eps = 1e-6
    for n, arg in enumerate(args):
        t = RNG.standard_normal(arg.shape)
        plus = bind(prim, *[a + eps * t if k == n else a for k, a in enumerate(args)], **params)
        minus = bind(prim, *[a - eps * t if k == n else a for k, a in enumerate(args)], **params)
        analytic = np.broadcast_to(np.asarray(prim.jvp[n](ft.array(t), ans, *args, **params)),
                                   ans.shape)
        np.testing.assert_allclose(analytic, (np.asarray(plus) - np.asarray(minus)) / (2 * eps),
                                   atol=1e-6)


@pytest.mark.parametrize("name, args, params", CASES)
@pytest.mark.parametrize("batched", ["all", "first", "last"])
@pytest.mark.parametrize("bdim", [0, 1, -1])
def test_batch_rule_matches_loop(name, args, params, batched, bdim):
    prim = Primitive.registry[name]
    size = 3
    flags = [batched == "all" or (batched == "first" and n == 0) or
             (batched == "last" and n == len(args) - 1) for n in range(len(args))]
    examples = [[a * (1 + k) + k if flag else a for a, flag in zip(args, flags)]
                for k in range(size)]
    batched_args, bdims = [], []
    for n, flag in enumerate(flags):
        if not flag:
            batched_args.append(args[n])
            bdims.append(None)
            continue
        stacked = np.stack([np.asarray(e[n]) for e in examples])
        axis = bdim % stacked.ndim
        batched_args.append(ft.array(np.moveaxis(stacked, 0, axis)))
        bdims.append(axis)
    out, out_bdim = prim.batch(batched_args, bdims, **params)
    expected = np.stack([np.asarray(bind(prim, *e, **params)) for e in examples])
    np.testing.assert_array_equal(np.moveaxis(np.asarray(out), out_bdim, 0), expected)
