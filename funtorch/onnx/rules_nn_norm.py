"""``BatchNorm`` in eval mode -> ONNX ``BatchNormalization``.

``F.batch_norm`` stages, in eval mode, as
``(x - mean) / sqrt(var + eps) * reshape(weight) + reshape(bias)`` with ``mean`` and
``sqrt(var + eps)`` folded into per-channel constants of shape ``(1, C, 1, ...)`` (the
running statistics are buffers, constant while staging). The ``add`` that ends the chain
becomes ``BatchNormalization(x, weight, bias, mean, std ** 2, epsilon=0)``: ``std`` is
already ``sqrt(var + eps)``, and ``sqrt(fl(std * std)) == std`` exactly in IEEE
arithmetic, so nothing is lost by not knowing ``eps``. onnxruntime folds the two small
reshapes and the square at load time, and fuses the result into a preceding ``Conv``.
"""

from __future__ import annotations

from funtorch.onnx.rules_nn import trail_link, wrap_rule

__all__ = ["lower_batch_norm"]



def _channel_vector(ctx, name, var, channels):
    """``name`` as a ``(C,)`` tensor when ``var`` has shape ``(1, C, 1, ...)``."""
    if var is None or not hasattr(var, "shape") or var.shape[:2] != (1, channels) or any(
            d != 1 for d in var.shape[2:]):
        return None
    source = trail_link(ctx, name, "reshape")
    if source is not None and source[0].inputs[0].shape == (channels,):
        return source[1][0]
    return ctx.node("Reshape", [name, ctx.ints([channels])])


def _chain(ctx, eqn, scaled, shift, shift_var):
    """The names ``(x, weight, bias, mean, std)`` of a batch norm ending in this add."""
    out = eqn.outputs[0]
    if out.ndim < 2 or out.dtype.kind != "f":
        return None
    channels = out.shape[1]
    times = trail_link(ctx, scaled, "mul")
    over = times and trail_link(ctx, times[1][0], "div")
    minus = over and trail_link(ctx, over[1][0], "sub")
    if not minus or minus[0].inputs[0].shape != out.shape:
        return None
    parts = [(shift, shift_var), (times[1][1], times[0].inputs[1]),
             (minus[1][1], minus[0].inputs[1]), (over[1][1], over[0].inputs[1])]
    vectors = [_channel_vector(ctx, name, var, channels) for name, var in parts]
    if any(v is None for v in vectors):
        return None
    bias, weight, mean, std = vectors
    return minus[1][0], weight, bias, mean, std


def lower_batch_norm(ctx, eqn, x, y):
    """The ``add`` ending an eval-mode batch norm -> ``BatchNormalization``."""
    for scaled, shift, shift_var in ((x, y, eqn.inputs[1]), (y, x, eqn.inputs[0])):
        found = _chain(ctx, eqn, scaled, shift, shift_var)
        if found is not None:
            source, weight, bias, mean, std = found
            var = ctx.node("Mul", [std, std])
            return ctx.node("BatchNormalization", [source, weight, bias, mean, var],
                            epsilon=0.0)
    return None


wrap_rule("add", lower_batch_norm)
