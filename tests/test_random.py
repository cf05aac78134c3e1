"""ft.random: JAX's values (tests/fixtures/random_reference.npz, made by
make_random_fixtures.py), determinism, vmap over keys, statistics and errors."""

import os

import numpy as np
import pytest

import funtorch as ft
from funtorch.ops.prng import threefry2x32

R = ft.random
REF = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "random_reference.npz"))
LOGITS = REF["categorical_logits"]

# name in the fixture -> draw; compared bit for bit (integers as int32 where JAX gave int32).
EXACT = {
    "key_0": lambda: R.key(0),
    "key_42": lambda: R.key(42),
    "key_4294967295": lambda: R.key(2**32 - 1),
    "x64_key_neg1": lambda: R.key(-1),
    "x64_key_big": lambda: R.key(2**33 + 5),
    "split_0_2": lambda: R.split(R.key(0)),
    "split_0_5": lambda: R.split(R.key(0), 5),
    "split_42_2x3": lambda: R.split(R.key(42), (2, 3)),
    "fold_in_0_7": lambda: R.fold_in(R.key(0), 7),
    "fold_in_42_big": lambda: R.fold_in(R.key(42), 2**31 + 3),
    "bits_0_7": lambda: R.bits(R.key(0), (7,)),
    "bits_1_2x3": lambda: R.bits(R.key(1), (2, 3)),
    "bits16_1_9": lambda: R.bits(R.key(1), (9,), np.uint16),
    "bits8_1_9": lambda: R.bits(R.key(1), (9,), np.uint8),
    "x64_bits64_1_6": lambda: R.bits(R.key(1), (6,), np.uint64),
    "uniform_0_1000": lambda: R.uniform(R.key(0), (1000,)),
    "uniform_f16_1_50": lambda: R.uniform(R.key(1), (50,), ft.float16),
    "x64_uniform_f64_0_1000": lambda: R.uniform(R.key(0), (1000,), ft.float64),
    "normal_0_scalar": lambda: R.normal(R.key(0)),
    "randint_3_int32": lambda: R.randint(R.key(3), (1000,), -5, 17, ft.int32),
    "randint_3_uint8": lambda: R.randint(R.key(3), (100,), 0, 256, ft.uint8),
    "x64_randint_3_int64": lambda: R.randint(R.key(3), (1000,), -5, 17),
    "x64_randint_3_wide": lambda: R.randint(R.key(3), (100,), -2**40, 2**50),
    "bernoulli_4": lambda: R.bernoulli(R.key(4), 0.3, (1000,)),
    "permutation_5_10": lambda: R.permutation(R.key(5), 10),
    "permutation_5_5000": lambda: R.permutation(R.key(5), 5000),
    "permutation_5_rows": lambda: R.permutation(R.key(5), ft.arange(12).reshape(6, 2)),
    "categorical_6": lambda: R.categorical(R.key(6), ft.array(LOGITS)),
    "categorical_6_shape3x4": lambda: R.categorical(R.key(6), ft.array(LOGITS), shape=(3, 4)),
    "categorical_6_axis0": lambda: R.categorical(R.key(6), ft.array(LOGITS), axis=0),
}

# XLA fuses multiply-adds (FMA) where NumPy rounds twice: these agree to an ulp or two.
CLOSE = {
    "uniform_1_4x5_m2_3": (lambda: R.uniform(R.key(1), (4, 5), minval=-2.0, maxval=3.0), 1e-6),
    "normal_1_1000": (lambda: R.normal(R.key(1), (1000,)), 1e-6),
    "x64_normal_f64_1_1000": (lambda: R.normal(R.key(1), (1000,), ft.float64), 1e-14),
    "vmap_normal_7": (lambda: ft.vmap(lambda k: R.normal(k, (3,)))(R.split(R.key(7), 5)), 1e-6),
}


@pytest.mark.parametrize("name", sorted(EXACT))
def test_matches_jax_exactly(name):
    expected = REF[name]
    got = np.asarray(EXACT[name]())
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got.astype(expected.dtype), expected)


@pytest.mark.parametrize("name", sorted(CLOSE))
def test_matches_jax_to_rounding(name):
    draw, rtol = CLOSE[name]
    expected = REF[name]
    got = np.asarray(draw())
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol)


def test_threefry_known_answers():
    # Random123's published known-answer vectors for Threefry-2x32-20 (also in the fixture).
    cases = [((0, 0), (0, 0), (0x6B200159, 0x99BA4EFE)),
             ((0x13198A2E, 0x03707344), (0x243F6A88, 0x85A308D3), (0xC4923A9C, 0x483DF7A0))]
    for key, count, expected in cases:
        words = [np.array([v], np.uint32) for v in key + count]
        out = threefry2x32(*words)
        assert [int(w[0]) for w in out] == list(expected)
    assert [int(v) for v in REF["threefry_pi"]] == list(cases[1][2])


@pytest.mark.parametrize("sampler", [
    lambda k: R.normal(k, (4, 3)), lambda k: R.uniform(k, (5,)), lambda k: R.bits(k, (3,)),
    lambda k: R.randint(k, (6,), 0, 100), lambda k: R.permutation(k, 20),
    lambda k: R.bernoulli(k, 0.5, (8,)), lambda k: R.split(k, 3),
    lambda k: R.categorical(k, ft.zeros((2, 5)))])
def test_same_key_same_numbers(sampler):
    first, second = sampler(R.key(123)), sampler(R.key(123))
    np.testing.assert_array_equal(np.asarray(first), np.asarray(second))
    assert not np.array_equal(np.asarray(first), np.asarray(sampler(R.key(124))))


def test_split_gives_distinct_independent_keys():
    keys = np.asarray(R.split(R.key(0), 100))
    assert keys.shape == (100, 2) and keys.dtype == np.uint32
    assert len({tuple(k) for k in keys}) == 100
    a, b = R.split(R.key(0))
    x, y = np.asarray(R.normal(a, (20000,))), np.asarray(R.normal(b, (20000,)))
    assert abs(np.corrcoef(x, y)[0, 1]) < 0.03
    folded = [np.asarray(R.fold_in(R.key(0), i)) for i in (1, 2)]
    assert not np.array_equal(*folded)


@pytest.mark.parametrize("fn,dtype", [(R.normal, None), (R.uniform, None),
                                      (R.normal, ft.float64), (R.uniform, ft.float16)])
def test_shapes_and_dtypes(fn, dtype):
    out = fn(R.key(0), (2, 3), dtype)
    assert out.shape == (2, 3) and out.dtype == (dtype or ft.get_default_dtype())
    assert fn(R.key(0)).shape == ()
    assert fn(R.key(0), 4).shape == (4,)
    ft.set_default_dtype(ft.float64)
    assert fn(R.key(0), (2,)).dtype == ft.float64


def test_integer_and_bool_dtypes():
    assert R.randint(R.key(0), (3,), 0, 5).dtype == ft.int64
    assert R.randint(R.key(0), (3,), 0, 5, ft.int8).dtype == ft.int8
    assert R.bernoulli(R.key(0), 0.5, (3,)).dtype == ft.bool_
    assert R.bernoulli(R.key(0), ft.full((2, 2), 0.5)).shape == (2, 2)
    assert R.permutation(R.key(0), 4).dtype == ft.int64
    assert R.categorical(R.key(0), ft.zeros((3, 4))).dtype == ft.int64


def test_ranges():
    u = np.asarray(R.uniform(R.key(1), (100000,), minval=-3.0, maxval=2.0))
    assert u.min() >= -3.0 and u.max() < 2.0
    assert np.asarray(R.uniform(R.key(1), (100000,), ft.float64)).max() < 1.0
    n = np.asarray(R.randint(R.key(2), (100000,), -4, 7))
    assert n.min() == -4 and n.max() == 6
    assert set(np.unique(np.asarray(R.randint(R.key(2), (1000,), 0, 256, ft.uint8)))) <= set(
        range(256))
    bounds = R.randint(R.key(3), (2, 3), ft.array([0, 10, 20]), ft.array([5, 15, 25]))
    assert np.all((np.asarray(bounds) >= [0, 10, 20]) & (np.asarray(bounds) < [5, 15, 25]))


@pytest.mark.parametrize("dtype", [ft.float32, ft.float64])
def test_moments(dtype):
    n = np.asarray(R.normal(R.key(11), (200000,), dtype), np.float64)
    assert abs(n.mean()) < 0.01 and abs(n.var() - 1.0) < 0.015
    assert abs(np.mean(n**3)) < 0.03 and abs(np.mean(n**4) - 3.0) < 0.06
    u = np.asarray(R.uniform(R.key(12), (200000,), dtype, 2.0, 6.0), np.float64)
    assert abs(u.mean() - 4.0) < 0.02 and abs(u.var() - 16.0 / 12.0) < 0.02
    counts = np.bincount(np.asarray(R.randint(R.key(13), (100000,), 0, 10)), minlength=10)
    assert np.all(np.abs(counts / 100000 - 0.1) < 0.005)


def test_bernoulli_rate():
    p = ft.array([0.1, 0.5, 0.9])
    draws = np.asarray(R.bernoulli(R.key(14), p, (50000, 3)))
    np.testing.assert_allclose(draws.mean(axis=0), [0.1, 0.5, 0.9], atol=0.01)
    assert not np.asarray(R.bernoulli(R.key(14), 0.0, (1000,))).any()
    assert np.asarray(R.bernoulli(R.key(14), 1.0, (1000,))).all()


def test_categorical_frequencies_follow_softmax():
    logits = ft.array([[0.0, 1.0, 2.0, -1.0], [3.0, 0.0, 0.0, 0.0]])
    draws = np.asarray(R.categorical(R.key(15), logits, shape=(40000, 2)))
    probs = np.exp(np.asarray(logits)) / np.exp(np.asarray(logits)).sum(1, keepdims=True)
    for row in range(2):
        freq = np.bincount(draws[:, row], minlength=4) / draws.shape[0]
        np.testing.assert_allclose(freq, probs[row], atol=0.01)
    columns = np.asarray(R.categorical(R.key(15), ft.transpose(logits), axis=0, shape=(3, 2)))
    assert columns.shape == (3, 2) and columns.max() < 4


def test_permutation_is_a_permutation():
    for n in (0, 1, 7, 3000):
        perm = np.asarray(R.permutation(R.key(n), n))
        assert sorted(perm.tolist()) == list(range(n))
    x = ft.arange(20.0).reshape(10, 2)
    rows = np.asarray(R.permutation(R.key(0), x))
    assert sorted(rows[:, 0].tolist()) == list(range(0, 20, 2))
    np.testing.assert_array_equal(rows[:, 1], rows[:, 0] + 1)
    cols = np.asarray(R.permutation(R.key(0), x, axis=1))
    assert sorted(cols[0].tolist()) == [0.0, 1.0]


def test_permutation_is_differentiable_in_the_array():
    x = ft.arange(6.0)
    weights = ft.arange(6.0) + 1.0
    g = ft.grad(lambda v: ft.sum(R.permutation(R.key(3), v) * weights))(x)
    perm = np.asarray(R.permutation(R.key(3), 6))
    expected = np.zeros(6)
    expected[perm] = np.asarray(weights)
    np.testing.assert_allclose(np.asarray(g), expected)


def test_uniform_is_differentiable_in_its_bounds():
    def f(low, high):
        return ft.sum(R.uniform(R.key(0), (5,), minval=low, maxval=high))
    g_low, g_high = ft.grad(f, argnums=(0, 1))(ft.array(1.0), ft.array(3.0))
    u = np.asarray(R.uniform(R.key(0), (5,)))
    np.testing.assert_allclose([float(g_low), float(g_high)], [np.sum(1 - u), np.sum(u)],
                               rtol=1e-5)


@pytest.mark.parametrize("sampler", [
    lambda k: R.normal(k, (3,)), lambda k: R.uniform(k, (2, 2), minval=-1.0),
    lambda k: R.randint(k, (4,), 0, 9), lambda k: R.bernoulli(k, 0.3, (5,)),
    lambda k: R.permutation(k, 6), lambda k: R.split(k, 3), lambda k: R.fold_in(k, 9),
    lambda k: R.categorical(k, ft.array([[0.0, 1.0, 2.0]] * 2)),
    lambda k: R.permutation(k, ft.arange(8.0).reshape(4, 2))])
def test_vmap_over_keys_matches_a_loop(sampler):
    keys = R.split(R.key(21), 5)
    batched = np.asarray(ft.vmap(sampler)(keys))
    looped = np.stack([np.asarray(sampler(keys[i])) for i in range(5)])
    np.testing.assert_array_equal(batched, looped)


def test_vmap_over_seeds_and_fold_in_data():
    seeds = ft.arange(4)
    np.testing.assert_array_equal(np.asarray(ft.vmap(R.key)(seeds)),
                                  np.stack([np.asarray(R.key(i)) for i in range(4)]))
    folded = ft.vmap(lambda d: R.fold_in(R.key(3), d))(ft.arange(4))
    np.testing.assert_array_equal(np.asarray(folded),
                                  np.stack([np.asarray(R.fold_in(R.key(3), i)) for i in range(4)]))
    nested = ft.vmap(ft.vmap(lambda k: R.normal(k, (2,))))(R.split(R.key(0), (3, 4)))
    assert nested.shape == (3, 4, 2)
    np.testing.assert_array_equal(np.asarray(nested[1, 2]),
                                  np.asarray(R.normal(R.split(R.key(0), (3, 4))[1, 2], (2,))))


def test_keys_work_on_each_device(device):
    key = R.key(0).to(device)
    out = R.normal(key, (3,))
    assert str(out.device).startswith(device)
    np.testing.assert_allclose(np.asarray(out), np.asarray(R.normal(R.key(0), (3,))))


@pytest.mark.parametrize("bad,match", [
    (ft.array([0, 1]), r"uint32\[2\].*got int64\[2\]"),
    (ft.zeros(3, dtype=np.uint32), r"uint32\[2\].*got uint32\[3\]"),
    (ft.zeros((4, 2), dtype=np.uint32), r"uint32\[2\].*got uint32\[4, 2\].*vmap"),
    (42, r"uint32\[2\].*got int")])
def test_bad_key_raises_type_error(bad, match):
    for fn in (lambda k: R.normal(k, (2,)), lambda k: R.split(k), lambda k: R.randint(k, (), 0, 2)):
        with pytest.raises(TypeError, match=match):
            fn(bad)


def test_argument_errors():
    key = R.key(0)
    with pytest.raises(ValueError, match="randint: minval must be less than maxval"):
        R.randint(key, (3,), 5, 5)
    with pytest.raises(ValueError, match="minval must be less than maxval"):
        R.randint(key, (3,), ft.array([0, 4, 1]), ft.array([1, 2, 3]))
    with pytest.raises(TypeError, match="randint: dtype must be an integer"):
        R.randint(key, (3,), 0, 5, ft.float32)
    with pytest.raises(ValueError, match="uniform: dtype must be a float dtype, got int64"):
        R.uniform(key, (3,), ft.int64)
    with pytest.raises(ValueError, match="does not broadcast to the requested shape"):
        R.uniform(key, (3,), minval=ft.zeros(4))
    with pytest.raises(ValueError, match="shape must be a tuple of non-negative ints"):
        R.normal(key, (-1,))
    with pytest.raises(TypeError, match="key: expected an integer seed, got float"):
        R.key(1.5)
    with pytest.raises(ValueError, match="does not fit in 64 bits"):
        R.key(2**64)
    with pytest.raises(ValueError, match=r"fold_in: data must be an integer in \[0, 2\*\*32\)"):
        R.fold_in(key, -1)
    with pytest.raises(TypeError, match="bernoulli: probability p must have a float dtype"):
        R.bernoulli(key, ft.array([1, 0]))
    with pytest.raises(ValueError, match="categorical: shape"):
        R.categorical(key, ft.zeros((3, 4)), shape=(2,))
    with pytest.raises(ValueError, match="categorical: shape .* must end with the batch shape"):
        R.categorical(key, ft.zeros((3, 4)), shape=(5, 2))
    with pytest.raises(TypeError, match="permutation: x must be an integer"):
        R.permutation(key, ft.array(2.0))
    with pytest.raises(TypeError, match="permutation: x must be an integer"):
        R.permutation(key, 2.0)
