"""Error messages of the dispatch core, built only when something has gone wrong."""

from __future__ import annotations


def explain_failure(prim, args, params, exc):
    """Turn a backend exception into an error naming the op, shapes, dtypes and devices."""
    arrays = [a for a in args if isinstance(a, _array_type())]
    devices = {str(a.device) for a in arrays}
    if len(devices) > 1:
        return RuntimeError(
            f"{prim.name}: expected all arrays on the same device, got arrays on "
            f"{' and '.join(sorted(devices))}; move them with x.to(device) first"
        )
    try:
        prim.shape(*args, **params)
    except (TypeError, ValueError) as checked:
        return _same_kind(checked, str(checked))
    desc = ", ".join(
        f"{a.dtype}{list(a.shape)}" if isinstance(a, _array_type()) else repr(a) for a in args
    )
    return _same_kind(exc, f"{prim.name}: failed on arguments ({desc}): {exc}")


def _same_kind(exc, message):
    """An exception of ``exc``'s class with ``message``, or of its nearest builtin base
    when that class takes other constructor arguments (NumPy's ``_UFuncNoLoopError``
    wants the ufunc and dtypes): rebuilding the error must never raise a different one."""
    try:
        return type(exc)(message)
    except Exception:  # noqa: BLE001 - any constructor signature
        base = next(c for c in type(exc).__mro__ if c.__module__ == "builtins")
        return base(message)


_LEAK_MSG = (
    "{transform}: a traced value (shape {shape}, dtype {dtype}{origin}) escaped "
    "`{fun}` and was used after the transform returned{where}. Return it from the "
    "transformed function instead of storing it in an outer variable, a global or a "
    "closure."
)


def leaked_tracer_error(prim, trace, tracer=None):
    """The error raised when a tracer outlives the transform that made it."""
    if tracer is None:
        shape = dtype = "?"
    else:
        shape, dtype = tuple(tracer.shape), tracer.dtype
    where = f" (in {prim.name})" if prim is not None else ""
    origin = ""
    if tracer is not None and getattr(tracer, "origin", None):
        origin = f", made by {tracer.origin}"
    return RuntimeError(_LEAK_MSG.format(transform=trace.transform, shape=shape, dtype=dtype,
                                         origin=origin, fun=trace.fun_name, where=where))


def _array_type():
    from funtorch.core import Array

    return Array
