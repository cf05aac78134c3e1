"""``ft.onnx.export``: stage a function with ``jit``'s tracer and lower every equation
through the lowering table (``registry.py``) into an ``onnx.ModelProto``."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, BinaryIO

from funtorch import ops, tree
from funtorch.onnx.context import LoweringContext, onnx_dtype
from funtorch.onnx.passes import referenced_names, remove_dead_nodes
from funtorch.onnx.lowering import align, initializer, lower_graph
from funtorch.onnx.registry import require
from funtorch.onnx.staging import stage_for_export

__all__ = ["export"]

LARGE_MODEL_BYTES = [2 ** 31 - (1 << 20)]  # initializers above this go to external data
_GROWTH = 3  # how much the second staging grows the first dynamic axis (the next: 4, ...)


@contextlib.contextmanager
def eval_mode(fun):
    """Put a Module (and its submodules) in eval mode; restore each one's flag after."""
    modules = list(fun.modules()) if hasattr(fun, "modules") and hasattr(fun, "eval") else []
    flags = [m.training for m in modules]
    for module in modules:
        module.training = False
    try:
        yield
    finally:
        for module, flag in zip(modules, flags):
            module.training = flag


def _state_names(fun):
    """``{id(Parameter or buffer's data): dotted name}`` of a Module's state."""
    names = {}
    if hasattr(fun, "named_parameters"):
        for name, param in fun.named_parameters():
            names[id(param)] = name
        for name, buf in fun.named_buffers():
            if buf is not None:
                names[id(getattr(buf, "_buf", buf))] = name
    return names


def _dynamic_positions(dynamic_axes, input_names, flat):
    """``{input index: {axis: symbol}}`` from ``dynamic_axes`` (keyed by input name)."""
    positions = {}
    for key, axes in (dynamic_axes or {}).items():
        if key not in input_names:
            continue  # an output name: outputs follow the inputs' symbols
        index = input_names.index(key)
        if isinstance(axes, (list, tuple)):
            axes = {axis: f"{key}_dim_{axis}" for axis in axes}
        ndim = flat[index].ndim
        for axis in axes:
            if not -ndim <= axis < ndim:
                raise ValueError(f"onnx.export: dynamic axis {axis} of input {key!r} is out of "
                                 f"range for its shape {tuple(flat[index].shape)}")
        positions[index] = {axis % ndim: symbol for axis, symbol in axes.items()}
    return positions


def _grown_args(flat, positions):
    """The arguments of the second staging: each dynamic axis grown by an amount of its
    own, the same for axes sharing a symbol (inputs that must agree, like x and y)."""
    growth, grown = {}, []
    for index, x in enumerate(flat):
        shape = list(x.shape)
        for axis, symbol in sorted(positions.get(index, {}).items()):
            shape[axis] += growth.setdefault(symbol, _GROWTH + len(growth))
        grown.append(ops.zeros(tuple(shape), dtype=x.dtype) if index in positions else x)
    return grown


def _value_info(name, var, symbols):
    from onnx import helper

    dims = [symbols.get((axis, size), size) for axis, size in enumerate(var.shape)]
    return helper.make_tensor_value_info(name, onnx_dtype(var.dtype), dims)


def _write(model, f):
    import onnx

    big = sum(t.ByteSize() for t in model.graph.initializer) > LARGE_MODEL_BYTES[0]
    path = os.fspath(f) if isinstance(f, (str, os.PathLike)) else None
    if big and path is not None:
        copy = onnx.ModelProto()
        copy.CopyFrom(model)  # saving moves the tensors out of the proto it is given
        onnx.save_model(copy, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=os.path.basename(path) + ".data", size_threshold=1024)
    elif path is not None:
        onnx.save_model(model, path)
    elif big:
        raise ValueError("onnx.export: the initializers exceed 2 GiB, which one protobuf "
                         "cannot hold; pass a path as f so they go to an external data file")
    else:
        f.write(model.SerializeToString())


def _symbols(ctx, graph, positions):
    """``{(size, alt size): symbol}``: an output axis with the same sizes as an input's
    dynamic axis shares its symbol."""
    by_pair = {}
    for index, axes in positions.items():
        var = graph.invars[index]
        for axis, symbol in axes.items():
            by_pair.setdefault((var.shape[axis], ctx.alt_shape(var)[axis]), symbol)
    return by_pair


def _io_info(ctx, name, var, by_pair, dynamic_axes):
    """The value info of a graph input or output; a dynamic axis is named as in
    ``dynamic_axes[name]``, else after the input axis it follows, else ``<name>_dim_<axis>``."""
    given = (dynamic_axes or {}).get(name, {})
    if isinstance(given, (list, tuple)):
        given = {}
    symbols = {}
    for axis in range(var.ndim):
        if ctx.is_dynamic(var, axis):
            pair = (var.shape[axis], ctx.alt_shape(var)[axis])
            symbols[(axis, var.shape[axis])] = given.get(axis, given.get(axis - var.ndim)) or (
                by_pair.get(pair, f"{name}_dim_{axis}"))
    return _value_info(name, var, symbols)


def export(fun_or_module: Callable[..., Any], *example_args: Any,
           f: str | os.PathLike[str] | BinaryIO | None = None,
           input_names: Sequence[str] | None = None, output_names: Sequence[str] | None = None,
           dynamic_axes: Mapping[str, Mapping[int, str] | Sequence[int]] | None = None,
           opset: int = 18) -> Any:
    """Export a function or Module to an ONNX model, staged on ``example_args``.

    The function is staged with ``jit``'s tracer (a Module in eval mode, its training
    flags restored after) and every equation is lowered by its primitive's rule (see
    :func:`register_lowering`). Parameters and closed-over arrays become initializers
    (named as in ``state_dict()`` for a Module).

    Args:
        fun_or_module: a function of arrays (pytrees allowed) or an ``ft.nn.Module``.
        *example_args: arguments to stage on (their shapes and dtypes are baked in,
            except the dynamic axes).
        f: a path or a binary file object to write the model to (initializers over
            2 GiB go to a ``<file>.data`` external-data file next to a path).
        input_names: names of the flattened inputs (default ``input_0``, ...).
        output_names: names of the flattened outputs (default ``output_0``, ...).
        dynamic_axes: ``{input name: {axis: symbol}}`` (or a list of axes): those axes
            get a symbolic size and no shape in the graph bakes in the traced size.
        opset: the ONNX opset of the default domain (17 or newer).

    Returns:
        The ``onnx.ModelProto``.

    Raises:
        UnsupportedPrimitiveError: an equation's primitive has no lowering rule (the
            message names it, the equation and the user's source line).
        ValueError: bad names or axes; a program that changes with a dynamic axis.

    Example:
        >>> model = ft.nn.Sequential(ft.nn.Linear(4, 2), ft.nn.ReLU())
        >>> proto = ft.onnx.export(model, ft.ones((3, 4)), input_names=["x"],
        ...                        dynamic_axes={"x": {0: "batch"}})
    """
    require("onnx", "ft.onnx.export")
    fun = fun_or_module
    name = getattr(fun, "__name__", type(fun).__name__)
    if opset < 17:
        raise ValueError(f"onnx.export: opset {opset} is not supported (expected >= 17)")
    flat, in_tree = tree.flatten(tuple(example_args))
    weak = [isinstance(x, (int, float)) and not isinstance(x, bool) for x in flat]
    flat = [ops.asarray(x) for x in flat]
    input_names = _names(input_names, len(flat), "input")
    ctx = LoweringContext(opset)
    with eval_mode(fun):
        staged, graph, ctx.sources = stage_for_export(fun, flat, in_tree, name, weak)
        positions = _dynamic_positions(dynamic_axes, input_names, flat)
        if positions:
            alt_graph = stage_for_export(fun, _grown_args(flat, positions), in_tree, name,
                                         weak)[1]
            align(ctx, graph, alt_graph, name)
    if staged.key_graph is not None or staged.lifted:
        raise ValueError(f"onnx.export: `{name}` draws from the global generator or closes over "
                         f"a traced value of an outer transform; neither can be exported")
    ctx.state = _state_names(fun)
    ctx.taken.update(input_names)
    box_names = [initializer(ctx, ctx.state.get(id(box), f"param_{index}"), box._buf)
                 for index, box in enumerate(staged.boxes)]
    lower_graph(ctx, graph, input_names + box_names)
    inputs = list(zip(input_names, graph.invars[:len(flat)]))
    outputs = list(zip(_names(output_names, len(graph.outvars), "output"), graph.outvars))
    model = _assemble(ctx, name, inputs, outputs, _symbols(ctx, graph, positions), dynamic_axes)
    if f is not None:
        _write(model, f)
    return model



def _names(given, count, prefix):
    """``given`` completed with ``<prefix>_<i>`` to ``count`` names."""
    names = list(given or []) + [f"{prefix}_{i}" for i in range(count)][len(given or []):]
    if len(names) != count:
        raise ValueError(f"onnx.export: {len(names)} {prefix} names for {count} {prefix}s")
    return names


def _assemble(ctx, name, inputs, outputs, by_pair, dynamic_axes):
    """The ModelProto: the graph outputs copied to their names, dead nodes and unused
    initializers dropped, funtorch's type of every equation result as value_info (so
    full_check's strict shape inference checks each lowering against the staged types)."""
    from onnx import helper

    import funtorch

    output_names = [n for n, _ in outputs]
    for out_name, var in outputs:
        ctx.nodes.append(helper.make_node("Identity", [ctx.names[id(var)]], [out_name],
                                          name=ctx.fresh("n")))
    nodes = remove_dead_nodes(ctx.nodes, output_names)
    used = {read for node in nodes for read in referenced_names(node)}
    produced = {out for node in nodes for out in node.output} - set(output_names)
    value_info = [_io_info(ctx, n, v, by_pair, None) for n, v in ctx.results.items()
                  if n in produced]
    graph = helper.make_graph(
        nodes, name, [_io_info(ctx, n, v, by_pair, dynamic_axes) for n, v in inputs],
        [_io_info(ctx, n, v, by_pair, dynamic_axes) for n, v in outputs],
        initializer=[t for t in ctx.initializers if t.name in used], value_info=value_info)
    opsets = [helper.make_opsetid("", ctx.opset)]
    return helper.make_model(graph, opset_imports=opsets, producer_name="funtorch",
                             producer_version=funtorch.__version__,
                             ir_version=helper.find_min_ir_version_for(opsets))
