"""The collective primitives: ``psum``, ``pmax``, ``pmin``, ``all_gather``, ``psum_scatter``
and ``broadcast``, each one declaration with its impl, shape, JVP, VJP and batching rules.

Every collective binds ``(x, index)`` with the static params ``axis_name`` and
``axis_size`` (plus its own). ``index`` says which axis the collective runs over:

- ``None``: the process group. ``impl`` calls the group (``current_group()``), and every
  transform treats the op as it treats any other primitive (vmap over another axis runs it
  on the whole batch at once: collectives act elementwise across an unrelated axis).
- the ``axis_index`` tracer of a ``vmap(..., axis_name=)``: the axis is data, so the
  primitive always reaches that vmap's trace (through jit, scan, nested vmaps), whose
  batching rule finds ``index`` batched and reduces over the batch: N examples are N ranks.

The derivative rules are JAX's: psum is its own transpose, all_gather and psum_scatter are
each other's, broadcast transposes to "sum the cotangents to the root", pmax/pmin pass the
tangent through the selected ranks (ties split equally, as the ``max`` reduction does).
Rules bind collectives themselves, so higher derivatives work.
"""

from __future__ import annotations

from funtorch import ops
from funtorch.core import Primitive, bind
from funtorch.ops.registry import move_bdim

__all__ = ["psum_p", "pmax_p", "pmin_p", "all_gather_p", "psum_scatter_p", "broadcast_p",
           "current_group"]


class _SingleProcess:
    """The size-1 group used when ``funtorch.distributed._backend`` is not available."""

    rank, size, axis_name = 0, 1, "world"

    def allreduce(self, a, op):
        return a

    def allgather(self, a):
        return a[None]

    def reduce_scatter(self, a, op):
        return a

    def bcast(self, a, root):
        return a

    def barrier(self):
        return None


_SINGLE = _SingleProcess()


def current_group():
    """The process group collectives over its axis name talk to (size 1 before ``init``)."""
    try:
        from funtorch.distributed import _backend
    except ModuleNotFoundError as exc:  # only the backend module itself may be missing
        if exc.name != "funtorch.distributed._backend":
            raise
        return _SINGLE
    return _backend.current_group()


def _group(name, index, axis_name):
    if index is not None:  # the index of a vmap axis became a plain value: no ranks to ask
        raise RuntimeError(f"{name}: the axis {axis_name!r} belongs to a vmap that is not "
                           "running here; call collectives over a vmap's axis inside it")
    return current_group()


# Shapes ------------------------------------------------------------------------------------


def _same_shape(x, index, **params):
    return x.shape, x.dtype


def _gathered_shape(x, index, *, axis_name, axis_size, axis, tiled):
    shape = tuple(x.shape)
    if tiled:
        return shape[:axis] + (shape[axis] * axis_size,) + shape[axis + 1:], x.dtype
    return shape[:axis] + (axis_size,) + shape[axis:], x.dtype


def _scattered_shape(x, index, *, axis_name, axis_size, scatter_dimension, tiled):
    shape, dim = tuple(x.shape), scatter_dimension
    if tiled:
        return shape[:dim] + (shape[dim] // axis_size,) + shape[dim + 1:], x.dtype
    return shape[:dim] + shape[dim + 1:], x.dtype


# Impls on the process group ----------------------------------------------------------------


def _reduce_impl(name, op):
    def impl(xp, x, index, *, axis_name, axis_size):
        return xp.asarray(_group(name, index, axis_name).allreduce(x, op))
    return impl


def _all_gather_impl(xp, x, index, *, axis_name, axis_size, axis, tiled):
    stacked = xp.asarray(_group("all_gather", index, axis_name).allgather(x))
    out = xp.moveaxis(stacked, 0, axis)
    if tiled:
        shape = out.shape
        out = out.reshape(shape[:axis] + (shape[axis] * shape[axis + 1],) + shape[axis + 2:])
    return out


def _psum_scatter_impl(xp, x, index, *, axis_name, axis_size, scatter_dimension, tiled):
    group = _group("psum_scatter", index, axis_name)
    front = xp.ascontiguousarray(xp.moveaxis(x, scatter_dimension, 0))
    part = xp.asarray(group.reduce_scatter(front, "sum"))
    if not tiled:
        return part.reshape(part.shape[1:])
    return xp.moveaxis(part, 0, scatter_dimension)


def _broadcast_impl(xp, x, index, *, axis_name, axis_size, root):
    return xp.asarray(_group("broadcast", index, axis_name).bcast(x, root))


# Batching ----------------------------------------------------------------------------------


def _per_example(prim, x, bx, index, params, axis_param=None):
    """A collective over another axis (the group's, or an outer vmap's): the batch axis of
    this vmap is one more data axis, so one bind on the whole batch."""
    if bx is None or axis_param is None:
        return bind(prim, x, index, **params), bx
    params = dict(params, **{axis_param: params[axis_param] + 1})
    return bind(prim, move_bdim(x, bx), index, **params), 0


def _reduction_batch(prim, reduce, unmapped):
    def rule(args, bdims, **params):
        (x, index), (bx, bi) = args, bdims
        if bi is None:
            return _per_example(prim, x, bx, index, params)
        if bx is None:  # the same value on every rank
            return unmapped(x, params["axis_size"]), None
        return reduce(x, axis=bx), None
    return rule


def _stack_unmapped(x, bx, size):
    if bx is not None:
        return x, bx
    return ops.broadcast_to(ops.expand_dims(x, 0), (size,) + tuple(x.shape)), 0


def _all_gather_batch(args, bdims, *, axis_name, axis_size, axis, tiled):
    (x, index), (bx, bi) = args, bdims
    params = {"axis_name": axis_name, "axis_size": axis_size, "axis": axis, "tiled": tiled}
    if bi is None:
        return _per_example(all_gather_p, x, bx, index, params, "axis")
    x, bx = _stack_unmapped(x, bx, axis_size)
    out = ops.moveaxis(x, bx, axis)
    if tiled:
        shape = tuple(out.shape)
        out = ops.reshape(out, shape[:axis] + (shape[axis] * shape[axis + 1],) + shape[axis + 2:])
    return out, None


def _psum_scatter_batch(args, bdims, *, axis_name, axis_size, scatter_dimension, tiled):
    (x, index), (bx, bi) = args, bdims
    if bi is None:
        params = {"axis_name": axis_name, "axis_size": axis_size,
                  "scatter_dimension": scatter_dimension, "tiled": tiled}
        return _per_example(psum_scatter_p, x, bx, index, params, "scatter_dimension")
    total = x * axis_size if bx is None else ops.sum(x, axis=bx)
    if tiled:  # split the scattered dimension into (rank, block)
        shape, dim = tuple(total.shape), scatter_dimension
        total = ops.reshape(total, shape[:dim] + (axis_size, shape[dim] // axis_size)
                            + shape[dim + 1:])
    return ops.moveaxis(total, scatter_dimension, 0), 0


def _broadcast_batch(args, bdims, *, axis_name, axis_size, root):
    (x, index), (bx, bi) = args, bdims
    if bi is None:
        params = {"axis_name": axis_name, "axis_size": axis_size, "root": root}
        return _per_example(broadcast_p, x, bx, index, params)
    if bx is None:
        return x, None
    return move_bdim(x, bx)[root], None


# Derivatives -------------------------------------------------------------------------------


def _linear(prim_name):
    """The JVP rule of a linear collective: the same collective on the tangent."""
    return (lambda t, ans, x, index, **params: bind(_PRIMS[prim_name], t, index, **params),
            None)


def _psum_vjp(g, ans, x, index, **params):
    return bind(psum_p, g, index, **params)


def _selected(ans, x, index, params):
    """Where each rank holds the selected value, as floats, and how many ranks do."""
    mask = ops.astype(ops.equal(x, ans), ans.dtype)
    return mask, bind(psum_p, mask, index, **params)


def _select_jvp(t, ans, x, index, **params):
    mask, count = _selected(ans, x, index, params)
    return bind(psum_p, mask * t, index, **params) / count


def _select_vjp(g, ans, x, index, **params):
    mask, count = _selected(ans, x, index, params)
    return mask * (bind(psum_p, g, index, **params) / count)


def _all_gather_vjp(g, ans, x, index, *, axis_name, axis_size, axis, tiled):
    return bind(psum_scatter_p, g, index, axis_name=axis_name, axis_size=axis_size,
                scatter_dimension=axis, tiled=tiled)


def _psum_scatter_vjp(g, ans, x, index, *, axis_name, axis_size, scatter_dimension, tiled):
    return bind(all_gather_p, g, index, axis_name=axis_name, axis_size=axis_size,
                axis=scatter_dimension, tiled=tiled)


def _broadcast_vjp(g, ans, x, index, *, axis_name, axis_size, root):
    """Every rank's cotangent summed at the root; the other ranks' inputs get zeros."""
    total = bind(psum_p, g, index, axis_name=axis_name, axis_size=axis_size)
    if index is None:
        return total if current_group().rank == root else ops.zeros_like(total)
    return ops.where(ops.equal(index, root), total, ops.zeros_like(total))


# Samples for the generated tests: the process group's axis (size 1 outside mpiexec) -------


def _axis_params():
    group = current_group()
    return {"axis_name": group.axis_name, "axis_size": group.size}


def _same_samples(s):
    return (s.array(s.shape()), None), _axis_params()


def _broadcast_samples(s):
    params = _axis_params()
    return (s.array(s.shape()), None), dict(params, root=s.integer(0, params["axis_size"] - 1))


def _select_samples(s):
    """Distinct values: a tie between ranks is a kink finite differences cannot check."""
    return (s.separated_array(s.shape()), None), _axis_params()


def _all_gather_samples(s):
    params, tiled = _axis_params(), s.boolean()
    shape = s.shape(min_dims=1 if tiled else 0)
    axis = s.integer(0, len(shape) - 1 if tiled else len(shape))
    return (s.array(shape), None), dict(params, axis=axis, tiled=tiled)


def _psum_scatter_samples(s):
    params, tiled = _axis_params(), s.boolean()
    shape = list(s.shape(min_dims=1))
    dim = s.integer(0, len(shape) - 1)
    shape[dim] = params["axis_size"] * (shape[dim] if tiled else 1)
    return (s.array(shape), None), dict(params, scatter_dimension=dim, tiled=tiled)


# Declarations ------------------------------------------------------------------------------

psum_p = Primitive("psum", _reduce_impl("psum", "sum"), shape=_same_shape,
                   vjp=(_psum_vjp, None), jvp=_linear("psum"), samples=_same_samples)
psum_p.batch = _reduction_batch(psum_p, ops.sum, lambda x, size: x * size)
pmax_p = Primitive("pmax", _reduce_impl("pmax", "max"), shape=_same_shape,
                   vjp=(_select_vjp, None), jvp=(_select_jvp, None), samples=_select_samples)
pmax_p.batch = _reduction_batch(pmax_p, ops.max, lambda x, size: x)
pmin_p = Primitive("pmin", _reduce_impl("pmin", "min"), shape=_same_shape,
                   vjp=(_select_vjp, None), jvp=(_select_jvp, None), samples=_select_samples)
pmin_p.batch = _reduction_batch(pmin_p, ops.min, lambda x, size: x)
all_gather_p = Primitive("all_gather", _all_gather_impl, shape=_gathered_shape,
                         vjp=(_all_gather_vjp, None), jvp=_linear("all_gather"),
                         batch=_all_gather_batch, samples=_all_gather_samples)
psum_scatter_p = Primitive("psum_scatter", _psum_scatter_impl, shape=_scattered_shape,
                           vjp=(_psum_scatter_vjp, None), jvp=_linear("psum_scatter"),
                           batch=_psum_scatter_batch, samples=_psum_scatter_samples)
broadcast_p = Primitive("broadcast", _broadcast_impl, shape=_same_shape,
                        vjp=(_broadcast_vjp, None), jvp=_linear("broadcast"),
                        batch=_broadcast_batch, samples=_broadcast_samples)

_PRIMS = {p.name: p for p in (psum_p, all_gather_p, psum_scatter_p, broadcast_p)}
