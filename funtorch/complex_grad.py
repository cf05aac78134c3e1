"""JAX's ``holomorphic=`` contract of ``grad``/``value_and_grad``, and PyTorch's convention
for ``.grad`` of complex leaves.

funtorch differentiates complex functions as JAX does: a VJP is the transpose of the JVP
under ``Re(sum(a * b))``, so for a real-valued ``f(z)``, ``z = x + iy``, ``ft.grad(f)(z)``
is ``df/dx - i df/dy`` (``grad(lambda z: abs(z) ** 2)(3 + 4j) == 6 - 8j``). A complex
output needs ``holomorphic=True`` (its derivative is then ``f'(z)``), which in turn needs
complex inputs. PyTorch's ``backward()`` stores the conjugate (``z.grad == 6 + 8j``):
``torch_convention`` converts at every edge where PyTorch-style code meets the one
backward pass: the seed, each leaf's gradient, retained gradients, tensor and module
backward hooks (their arguments and results), and ``autograd.Function.backward``.
"""

from __future__ import annotations

from funtorch import ops

_COMPLEX_OUT = ("{fn}: `{fun}` returned a complex output ({dtype}); grad requires real-valued "
                "outputs. For holomorphic differentiation pass holomorphic=True; for the gradient "
                "of a real quantity return its real part or abs(out) ** 2.")
_REAL_OUT = ("{fn}(holomorphic=True): `{fun}` returned a {dtype} output; holomorphic "
             "differentiation requires complex outputs (drop holomorphic=True for a real one)")
_REAL_IN = ("{fn}(holomorphic=True): argument {argnum} of `{fun}` has dtype {dtype}; holomorphic "
            "functions must have complex inputs (cast with x.astype(ft.complex64))")


def check_output(out, holomorphic, fun, fn="grad"):
    """Raise JAX's TypeError for a complex output without ``holomorphic`` (and a real one
    with it)."""
    kind = out.dtype.kind
    name = getattr(fun, "__name__", "fun")
    if kind == "c" and not holomorphic:
        raise TypeError(_COMPLEX_OUT.format(fn=fn, fun=name, dtype=out.dtype))
    if holomorphic and kind != "c":
        raise TypeError(_REAL_OUT.format(fn=fn, fun=name, dtype=out.dtype))


def check_input(dtype, argnum, holomorphic, fun, fn="grad"):
    """With ``holomorphic``, every differentiated input must be complex."""
    if holomorphic and dtype.kind != "c":
        raise TypeError(_REAL_IN.format(fn=fn, argnum=argnum, dtype=dtype,
                                        fun=getattr(fun, "__name__", "fun")))


def torch_convention(ct):
    """A cotangent in PyTorch's convention for complex values (the conjugate of JAX's);
    real ones pass unchanged. Applied to the seeds and to each leaf's gradient."""
    return ops.conj(ct) if ct.dtype.kind == "c" else ct


def conjugating(accumulate):
    """``accumulate(handle, ct)`` receiving PyTorch's convention."""
    def accumulate_torch(handle, ct):
        return accumulate(handle, torch_convention(ct))
    return accumulate_torch


_JAC_COMPLEX = ("{fn}: `{fun}` has a complex {what} ({dtype}); {fn} requires real-valued "
                "{what}s. For holomorphic differentiation pass holomorphic=True; for a "
                "non-holomorphic function of complex values use ft.{basic} directly.")
_JAC_REAL = ("{fn}(holomorphic=True): `{fun}` has a {dtype} {what}; holomorphic "
             "differentiation requires complex inputs and outputs")


def check_jacobian(fn, fun, inputs, outputs, holomorphic):
    """JAX's dtype rules of ``jacrev``/``jacfwd``: with ``holomorphic``, complex inputs and
    outputs; without, no complex output (jacrev) or no complex input (jacfwd), whose
    Jacobian would mix the conventions."""
    name = getattr(fun, "__name__", "fun")
    for what, leaves in (("input", inputs), ("output", outputs)):
        for leaf in leaves:
            kind = leaf.dtype.kind
            if holomorphic and kind != "c":
                raise TypeError(_JAC_REAL.format(fn=fn, fun=name, dtype=leaf.dtype, what=what))
            mixed = what == ("output" if fn == "jacrev" else "input")
            if not holomorphic and kind == "c" and mixed:
                basic = "vjp" if fn == "jacrev" else "jvp"
                raise TypeError(_JAC_COMPLEX.format(fn=fn, fun=name, what=what,
                                                    dtype=leaf.dtype, basic=basic))
