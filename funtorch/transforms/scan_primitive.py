"""``scan_p``: the primitive behind ``ft.scan``, with its impl and every rule in one place.

A multiple-results "call" primitive whose params hold the body as a flat function (carry
leaves then x leaves in, carry leaves then y leaves out). The impl is one Python loop over
plain arrays, so no per-step graph exists at the outer level, and every rule is a scan:
reverse mode runs the body's per-step VJPs backwards over the stored carries (O(T) carries
of memory, one step of graph at a time), forward mode scans the body's JVP, and vmap scans
the vmapped body. Outer transforms therefore see one node at any nesting depth (the
backward pass of ``grad(grad(...))`` is itself a ``scan_p``).

The rules re-run the body on values of their own level, so the body must read no traced
value except its arguments; ``ft.scan`` (``control.py``) checks that before binding.
"""

from __future__ import annotations

from funtorch import ops
from funtorch.core import Primitive, Tracer, bind, wrap
from funtorch.grad import vjp
from funtorch.transforms.custom import cached, PerArgument
from funtorch.transforms.jvp import jvp
from funtorch.transforms.vmap import vmap

__all__ = ["aval_str", "bind_scan", "check_carry", "scan_p", "steps"]

CARRY_CHANGED = (
    "{api}: the carry{where} changed from {old} to {new}; the body must return a carry with "
    "the same structure, shapes and dtypes as its input (cast with .astype, or give the "
    "initial value its final shape)")
_PLAIN = ("scan: the body read a traced value other than through its carry and x at some step "
          "but not at the first one; pass the arrays it needs through `init` or `xs`")


def aval_str(x):
    return f"{x.dtype}{list(x.shape)}"


def check_carry(api, old_leaves, new_leaves, where):
    """Raise TypeError if a loop carry changed shape or dtype (``where`` may be a function
    of the leaf index giving the location for the message)."""
    for index, (old, new) in enumerate(zip(old_leaves, new_leaves)):
        if tuple(old.shape) != tuple(new.shape) or old.dtype != new.dtype:
            at = where(index) if callable(where) else where
            raise TypeError(CARRY_CHANGED.format(api=api, where=at, old=aval_str(old),
                                                 new=aval_str(new)))


def steps(length, reverse):
    return range(length - 1, -1, -1) if reverse else range(length)


def _abstract_step(body, avals, num_carry):
    """The body's outputs on zeros of one step's shapes (for shapes only)."""
    shapes = [a.shape if i < num_carry else a.shape[1:] for i, a in enumerate(avals)]
    return body(*[ops.zeros(s, a.dtype, device=a.device) for s, a in zip(shapes, avals)])


_JIT_MIN_LENGTH = 8  # shorter scans don't repay compiling the body


def _compiled_step(body, length):
    """The body compiled with ``jit`` (each step then replays generated code instead of
    dispatching every op), or ``None`` for short scans."""
    from funtorch.transforms.jit import jit

    return jit(body) if length >= _JIT_MIN_LENGTH else None


def _run_step(fast, body, args):
    """Run one step, compiled when possible. A body that needs concrete values (Python
    control flow on data) cannot be staged: it then runs eagerly, as before."""
    if fast[0] is not None:
        try:
            return fast[0](*args)
        except TypeError as exc:
            if not str(exc).startswith("jit: `"):  # only a concretization error falls back
                raise
            fast[0] = None
    return body(*args)


def _scan_impl(xp, *bufs, body, num_carry, length, reverse, cache):
    carry = [wrap(b) for b in bufs[:num_carry]]
    xs = bufs[num_carry:]
    per_step = [None] * length
    fast = [_compiled_step(body, length)]
    for t in steps(length, reverse):
        outs = _run_step(fast, body, (*carry, *[wrap(x[t, ...]) for x in xs]))
        for out in outs:
            if isinstance(out, Tracer) or out._node is not None:
                raise RuntimeError(_PLAIN)
        check_carry("scan", carry, outs[:num_carry], f" at step {t}")
        carry, per_step[t] = outs[:num_carry], outs[num_carry:]
    if length:
        ys = [xp.stack([step[i]._buf for step in per_step]) for i in range(len(per_step[0]))]
    else:
        ys = [xp.zeros((0,) + tuple(y.shape), y.dtype) for y in _abstract_step(
            body, [wrap(b) for b in bufs], num_carry)[num_carry:]]
    return tuple(c._buf for c in carry) + tuple(ys)


def _scan_shape(*avals, body, num_carry, length, reverse, cache):
    outs = _abstract_step(body, avals, num_carry)
    return ([(o.shape, o.dtype) for o in outs[:num_carry]]
            + [((length,) + tuple(o.shape), o.dtype) for o in outs[num_carry:]])


def bind_scan(args, body, num_carry, length, reverse):
    return bind(scan_p, *args, body=body, num_carry=num_carry, length=length,
                reverse=reverse, cache={})


def _with_carries(body, num_carry):
    """The body, also emitting the carry it received (stacked: the carry before each step)."""
    def step(*leaves):
        return tuple(body(*leaves)) + tuple(leaves[:num_carry])
    return step


def _scan_fwd(*args, body, num_carry, length, reverse, cache):
    outs = bind_scan(args, _with_carries(body, num_carry), num_carry, length, reverse)
    split = len(outs) - num_carry
    return outs[:split], outs[split:]


def _cotangent_like(g, primal):
    if g.dtype == primal.dtype:
        return g
    if primal.dtype.kind == "f":
        return ops.astype(g, primal.dtype)
    return ops.zeros_like(primal)  # integer inputs: float0 from vjp, a zero carry here


def _backward_body(body, num_carry, num_x):
    """One step of the transposed scan: (ct of carry after, (carry, x, ct of y)) -> cts."""
    def step(*leaves):
        ct_carry = tuple(leaves[:num_carry])
        primals = leaves[num_carry:2 * num_carry + num_x]
        ct_y = tuple(leaves[2 * num_carry + num_x:])
        pull = vjp(body, *primals)[1]
        return tuple(_cotangent_like(g, p) for g, p in zip(pull(ct_carry + ct_y), primals))
    return step


def _transpose(cts, args, carries, body, num_carry, length, reverse):
    if carries is None:  # PyTorch-style backward() records no residuals: recompute them
        carries = _scan_fwd(*args, body=body, num_carry=num_carry, length=length,
                            reverse=reverse, cache=None)[1]
    ct_carry = [_cotangent_like(c, a) for c, a in zip(cts[:num_carry], args)]
    xs = args[num_carry:]
    return bind_scan([*ct_carry, *carries, *xs, *cts[num_carry:]],
                     _backward_body(body, num_carry, len(xs)), num_carry, length, not reverse)


def _scan_vjp(index):
    def rule(cts, ans, *args, body, num_carry, length, reverse, cache, residuals=None):
        return cached(cache, cts, lambda: _transpose(
            cts, args, residuals, body, num_carry, length, reverse))[index]
    return rule


def _jvp_body(body, num_carry, num_x):
    def step(*leaves):
        nc, split = num_carry, 2 * num_carry + num_x
        primals = leaves[:nc] + leaves[2 * nc:split]
        tangents = leaves[nc:2 * nc] + leaves[split:]
        out, t_out = jvp(body, primals, tangents)
        return tuple(out[:nc]) + tuple(t_out[:nc]) + tuple(out[nc:]) + tuple(t_out[nc:])
    return step


def _scan_jvp(primals, tangents, body, num_carry, length, reverse, cache):
    nc = num_carry
    tangents = [ops.zeros_like(p) if t is None else t for p, t in zip(primals, tangents)]
    args = [*primals[:nc], *tangents[:nc], *primals[nc:], *tangents[nc:]]
    outs = bind_scan(args, _jvp_body(body, nc, len(primals) - nc), 2 * nc, length, reverse)
    num_y = (len(outs) - 2 * nc) // 2
    ys = outs[2 * nc:]
    return outs[:nc] + ys[:num_y], outs[nc:2 * nc] + ys[num_y:]


def _scan_batch(args, bdims, body, num_carry, length, reverse, cache):
    # Every carry is batched up front: an unbatched init next to batched xs becomes batched
    # after one step anyway. Simpler than JAX's fixpoint, which leaves carries that stay
    # unbatched alone; here those are broadcast (memory x batch size).
    size = next(a.shape[b] for a, b in zip(args, bdims) if b is not None)
    carry = [ops.moveaxis(a, b, 0) if b is not None else ops.broadcast_to(
        ops.expand_dims(a, 0), (size,) + tuple(a.shape)) for a, b in zip(args, bdims[:num_carry])]
    xs = [a if b is None else ops.moveaxis(a, b, 1)  # time stays axis 0, batch goes to 1
          for a, b in zip(args[num_carry:], bdims[num_carry:])]
    x_axes = tuple(None if b is None else 0 for b in bdims[num_carry:])
    batched = vmap(body, in_axes=(0,) * num_carry + x_axes)
    outs = bind_scan([*carry, *xs], batched, num_carry, length, reverse)
    return outs, (0,) * num_carry + (1,) * (len(outs) - num_carry)


scan_p = Primitive(
    "scan", _scan_impl, shape=_scan_shape, vjp=PerArgument(_scan_vjp), jvp=_scan_jvp,
    batch=_scan_batch, multiple_results=True, vjp_fwd=_scan_fwd, register=False)
