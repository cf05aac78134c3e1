"""The complex primitives: real and imaginary parts, the conjugate, and a complex number
from two real ones (``torch.complex``).

Derivatives follow JAX: a VJP is the transpose of the JVP under the pairing
``Re(sum(a * b))`` (no conjugation), so for a real-valued ``f`` of ``z = x + iy`` the
gradient is ``df/dx - i df/dy``. None of these four is holomorphic, so each carries its
own rules: ``real``'s cotangent ``ct`` goes back as ``ct + 0i``, ``imag``'s as ``-i ct``,
``conj``'s as ``conj(ct)``, and ``complex(re, im)``'s as ``(Re ct, -Im ct)``.
"""

from __future__ import annotations

import numpy as np

from funtorch import dtypes, ops
from funtorch.core import bind
from funtorch.ops import registry as R


def complex_samples(arity, real_inputs=False):
    """Test arguments: complex128 arrays of broadcastable shapes (real ones for
    ``complex(re, im)``), the dtype following the sampler's (float32 -> complex64)."""
    def samples(s):
        shapes = s.broadcastable_shapes(arity) if arity > 1 else [s.shape()]
        if real_inputs:
            return tuple(s.array(shape) for shape in shapes), {}
        return tuple(s.complex_array(shape) for shape in shapes), {}
    return samples


def _real_shape(x, **params):
    if x.dtype.kind != "c":
        raise TypeError(f"real/imag: expected a complex array, got dtype {x.dtype}")
    return R.shape_of(x), dtypes.real_of(x.dtype)


def _part(name, attribute, vjp):
    prim = R.primitive(name, lambda xp, x: getattr(x, attribute).copy(), shape=_real_shape,
                       vjp=(vjp,), jvp=None, complex=True, samples=complex_samples(1))
    prim.jvp = (lambda t, ans, x: bind(prim, t),)
    prim.batch = R.batch_elementwise(prim)
    return prim


real_p = _part("real", "real", lambda g, ans, x: ops.astype(g, x.dtype))
imag_p = _part("imag", "imag", lambda g, ans, x: ops.astype(g, x.dtype) * -1j)


def _conj_shape(x, **params):
    return R.shape_of(x), x.dtype


conj_p = R.primitive("conj", lambda xp, x: xp.conjugate(x), shape=_conj_shape,
                     vjp=(lambda g, ans, x: bind(conj_p, g),),
                     jvp=(lambda t, ans, x: bind(conj_p, t),), complex=True,
                     samples=complex_samples(1))
conj_p.batch = R.batch_elementwise(conj_p)


def _complex_impl(xp, re, im):
    out = xp.empty(xp.broadcast_shapes(re.shape, im.shape), dtypes.complex_of(re.dtype))
    out.real, out.imag = re, im
    return out


def _complex_shape(re, im, **params):
    if re.dtype != im.dtype or re.dtype.kind != "f":
        raise TypeError(f"complex: expected real and imag of one floating dtype, got "
                        f"{re.dtype} and {im.dtype}")
    return R.broadcast_shapes("complex", re.shape, im.shape), dtypes.complex_of(re.dtype)


complex_p = R.primitive(
    "complex", _complex_impl, shape=_complex_shape,
    vjp=(lambda g, ans, re, im: R.unbroadcast(bind(real_p, g), re),
         lambda g, ans, re, im: R.unbroadcast(-bind(imag_p, g), im)),
    jvp=(lambda t, ans, re, im: ops.astype(t, ans.dtype),
         lambda t, ans, re, im: ops.astype(t, ans.dtype) * 1j),
    complex=True, samples=complex_samples(2, real_inputs=True))
complex_p.batch = R.batch_elementwise(complex_p)


def is_complex_dtype(x) -> bool:
    return np.dtype(R.dtype_of(x)).kind == "c" if hasattr(x, "dtype") else type(x) is complex
