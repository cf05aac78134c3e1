"""Threefry-2x32 and the primitives behind ``ft.random``: seeding, random bits, key
splitting and folding, bits to floats, and the ``erfinv`` used for normal samples.

Keys are ``uint32[..., 2]`` arrays. Every impl maps over leading key dimensions, so a
batching rule only moves the batch axis to the front: ``vmap`` over keys is one call.
All outputs are non-differentiable (``nondiff=True``): they depend on integer keys only.
"""

from __future__ import annotations

import math

import numpy as np

from funtorch import ops
from funtorch.core import Primitive, bind
from funtorch.ops import registry as R

UINT = {8: np.dtype(np.uint8), 16: np.dtype(np.uint16), 32: np.dtype(np.uint32),
        64: np.dtype(np.uint64)}
_FLOAT_OF_BITS = {2: np.dtype(np.float16), 4: np.dtype(np.float32), 8: np.dtype(np.float64)}
KEY_MSG = ("{fn}: expected a key of dtype uint32[2] (made by ft.random.key, split or "
           "fold_in), got {got}{hint}")


# Threefry-2x32 --------------------------------------------------------------------------

_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
_PARITY = np.uint32(0x1BD11BDA)


def threefry2x32(k1, k2, x1, x2):
    """The Threefry-2x32 block cipher (20 rounds) on broadcastable uint32 arrays.

    Returns the two output words. Arrays must be at least 1-d: uint32 arithmetic wraps
    silently on arrays, while NumPy scalars warn on overflow.
    """
    schedule = (k1, k2, k1 ^ k2 ^ _PARITY)
    x1, x2 = x1 + k1, x2 + k2
    for block in range(5):
        for r in _ROTATIONS[block % 2]:
            x1 = x1 + x2
            x2 = x1 ^ ((x2 << r) | (x2 >> (32 - r)))
        x1 = x1 + schedule[(block + 1) % 3]
        x2 = x2 + schedule[(block + 2) % 3] + np.uint32(block + 1)
    return x1, x2


def _hash_counters(xp, key, shape):
    """Both Threefry words for counters 0..prod(shape)-1 (hi and lo 32 bits) under each key
    of ``key`` (``(*lead, 2)``); each word has shape ``lead + shape``."""
    lead = key.shape[:-1]
    counts = xp.arange(math.prod(shape), dtype=xp.uint64)
    hi = (counts >> np.uint64(32)).astype(xp.uint32)[None]
    lo = counts.astype(xp.uint32)[None]
    flat = key.reshape(-1, 2)
    word1, word2 = threefry2x32(flat[:, :1], flat[:, 1:], hi, lo)
    return word1.reshape(lead + shape), word2.reshape(lead + shape)


# Primitives --------------------------------------------------------------------------------


def _check_key_aval(name, key):
    if key.dtype != np.uint32 or not key.shape or key.shape[-1] != 2:
        raise TypeError(KEY_MSG.format(fn=name, got=f"{key.dtype}{list(key.shape)}", hint=""))
    return tuple(key.shape[:-1])


def _leading_batch(prim):
    def rule(args, bdims, **params):
        return bind(prim, R.move_bdim(args[0], bdims[0]), **params), 0
    return rule


def _key_sample(s):
    words = [s.integer(0, 2**32 - 1) for _ in range(2)]
    return ops.asarray(np.array(words, dtype=np.uint32))


def _seed_impl(xp, seed):
    seed = xp.asarray(seed).astype(xp.uint64)
    hi = (seed >> np.uint64(32)).astype(xp.uint32)
    lo = (seed & np.uint64(0xFFFFFFFF)).astype(xp.uint32)
    return xp.stack([hi, lo], axis=-1)


def _seed_shape(seed):
    if seed.dtype.kind not in "iu":
        raise TypeError(f"random_seed: expected an integer seed, got dtype {seed.dtype}")
    return tuple(seed.shape) + (2,), np.dtype(np.uint32)


random_seed_p = Primitive(
    "random_seed", _seed_impl, shape=_seed_shape, nondiff=True,
    samples=lambda s: ((s.int_array(s.shape(max_dims=1), -2**40, 2**40),), {}))
random_seed_p.batch = _leading_batch(random_seed_p)


def _bits_impl(xp, key, shape, width):
    word1, word2 = _hash_counters(xp, key, shape)
    if width == 64:
        return (word1.astype(xp.uint64) << np.uint64(32)) | word2.astype(xp.uint64)
    return xp.asarray(word1 ^ word2).astype(UINT[width])


random_bits_p = Primitive(
    "random_bits", _bits_impl, nondiff=True,
    shape=lambda key, shape, width: (_check_key_aval("random_bits", key) + shape, UINT[width]),
    samples=lambda s: ((_key_sample(s),), {"shape": s.shape(max_dims=2),
                                           "width": s.choice((8, 16, 32, 64))}))
random_bits_p.batch = _leading_batch(random_bits_p)


def _split_impl(xp, key, shape):
    return xp.stack(_hash_counters(xp, key, shape), axis=-1)


random_split_p = Primitive(
    "random_split", _split_impl, nondiff=True,
    shape=lambda key, shape: (_check_key_aval("split", key) + shape + (2,), key.dtype),
    samples=lambda s: ((_key_sample(s),), {"shape": s.shape(max_dims=2)}))
random_split_p.batch = _leading_batch(random_split_p)


def _fold_in_impl(xp, key, data):
    lead = np.broadcast_shapes(key.shape[:-1], data.shape)
    flat = xp.broadcast_to(key, lead + (2,)).reshape(-1, 2)
    words = xp.broadcast_to(data, lead).reshape(-1, 1)
    word1, word2 = threefry2x32(flat[:, :1], flat[:, 1:], xp.zeros_like(words), words)
    return xp.concatenate([word1, word2], axis=1).reshape(lead + (2,))


def _fold_in_shape(key, data):
    lead = _check_key_aval("fold_in", key)
    if data.dtype != np.uint32:
        raise TypeError(f"fold_in: expected uint32 data, got dtype {data.dtype}")
    return R.broadcast_shapes("fold_in", lead, tuple(data.shape)) + (2,), key.dtype


def _fold_in_batch(args, bdims):
    # Pad each batched argument to the common leading rank so the impl's right-aligned
    # broadcasting lines the batch axis up (as the elementwise batching rule does).
    key, data = args
    rank = max(key.ndim - 1 - (bdims[0] is not None), data.ndim - (bdims[1] is not None))
    if bdims[0] is not None:
        key = R.move_bdim(key, bdims[0])
        key = ops.reshape(key, key.shape[:1] + (1,) * (rank + 2 - key.ndim) + key.shape[1:])
    if bdims[1] is not None:
        data = R.move_bdim(data, bdims[1])
        data = ops.reshape(data, data.shape[:1] + (1,) * (rank + 1 - data.ndim) + data.shape[1:])
    return bind(random_fold_in_p, key, data), 0


random_fold_in_p = Primitive(
    "random_fold_in", _fold_in_impl, shape=_fold_in_shape, nondiff=True, batch=_fold_in_batch,
    samples=lambda s: ((_key_sample(s), ops.asarray(np.uint32(s.integer(0, 2**32 - 1)))), {}))


def _bits_to_float_impl(xp, bits):
    dtype = _FLOAT_OF_BITS[bits.dtype.itemsize]
    shift = bits.dtype.type(8 * bits.dtype.itemsize - np.finfo(dtype).nmant)
    one = bits.dtype.type(np.array(1.0, dtype).view(bits.dtype).item())
    mantissa = xp.asarray((bits >> shift) | one)  # a float in [1, 2): exponent of 1.0
    return xp.asarray(mantissa.view(dtype) - dtype.type(1.0))


def _bits_to_float_shape(bits):
    if bits.dtype.kind != "u" or bits.dtype.itemsize not in _FLOAT_OF_BITS:
        raise TypeError(f"random_bits_to_float: expected uint16, uint32 or uint64 bits, got "
                        f"dtype {bits.dtype}")
    return R.shape_of(bits), _FLOAT_OF_BITS[bits.dtype.itemsize]


random_bits_to_float_p = Primitive(
    "random_bits_to_float", _bits_to_float_impl, shape=_bits_to_float_shape, nondiff=True,
    samples=lambda s: ((bind(random_bits_p, _key_sample(s), shape=s.shape(),
                             width=s.choice((16, 32, 64))),), {}))
random_bits_to_float_p.batch = R.batch_elementwise(random_bits_to_float_p)

# Giles, "Approximating the erfinv function" (GPU Computing Gems, 2011): the single and
# double precision polynomials XLA also uses, as (branch limit on w, shift, coefficients).
_ERF_INV_32 = (
    (5.0, 2.5, (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)),
    (None, 3.0, (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
                 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)))
_ERF_INV_64 = (
    (6.25, 3.125, (
        -3.6444120640178196996e-21, -1.685059138182016589e-19, 1.2858480715256400167e-18,
        1.115787767802518096e-17, -1.333171662854620906e-16, 2.0972767875968561637e-17,
        6.6376381343583238325e-15, -4.0545662729752068639e-14, -8.1519341976054721522e-14,
        2.6335093153082322977e-12, -1.2975133253453532498e-11, -5.4154120542946279317e-11,
        1.051212273321532285e-09, -4.1126339803469836976e-09, -2.9070369957882005086e-08,
        4.2347877827932403518e-07, -1.3654692000834678645e-06, -1.3882523362786468719e-05,
        0.0001867342080340571352, -0.00074070253416626697512, -0.0060336708714301490533,
        0.24015818242558961693, 1.6536545626831027356)),
    (16.0, 3.25, (
        2.2137376921775787049e-09, 9.0756561938885390979e-08, -2.7517406297064545428e-07,
        1.8239629214389227755e-08, 1.5027403968909827627e-06, -4.013867526981545969e-06,
        2.9234449089955446044e-06, 1.2475304481671778723e-05, -4.7318229009055733981e-05,
        6.8284851459573175448e-05, 2.4031110387097893999e-05, -0.0003550375203628474796,
        0.00095328937973738049703, -0.0016882755560235047313, 0.0024914420961078508066,
        -0.0037512085075692412107, 0.005370914553590063617, 1.0052589676941592334,
        3.0838856104922207635)),
    (None, 5.0, (
        -2.7109920616438573243e-11, -2.5556418169965252055e-10, 1.5076572693500548083e-09,
        -3.7894654401267369937e-09, 7.6157012080783393804e-09, -1.4960026627149240478e-08,
        2.9147953450901080826e-08, -6.7711997758452339498e-08, 2.2900482228026654717e-07,
        -9.9298272942317002539e-07, 4.5260625972231537039e-06, -1.9681778105531670567e-05,
        7.5995277030017761139e-05, -0.00021503011930044477347, -0.00013871931833623122026,
        1.0103004648645343977, 4.8499064014085844221)))


def _erf_inv_impl(xp, x):
    work = x.astype(np.float32) if x.dtype.itemsize < 4 else x  # float16 in float32, as XLA
    branches = _ERF_INV_64 if work.dtype == np.float64 else _ERF_INV_32
    with np.errstate(divide="ignore", invalid="ignore"):
        w = -xp.log1p(work * -work)
        p = None
        for limit, shift, coefficients in reversed(branches):
            t = w - shift if limit == branches[0][0] else xp.sqrt(w) - shift
            value = coefficients[0]
            for c in coefficients[1:]:
                value = c + value * t
            p = value if limit is None else xp.where(w < limit, value, p)
        out = xp.where(xp.abs(work) == 1, work * np.inf, p * work)
    return xp.asarray(out).astype(x.dtype)


random_erf_inv_p = Primitive(
    "random_erf_inv", _erf_inv_impl, shape=R.float_shape("random_erf_inv"), nondiff=True,
    samples=lambda s: ((s.array(s.shape(), domain=(-0.99, 0.99)),), {}))
random_erf_inv_p.batch = R.batch_elementwise(random_erf_inv_p)
