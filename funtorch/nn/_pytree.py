"""Modules as pytrees, ``functional_call``, and ``load_state_dict``'s checks.

Flattening yields the parameters' values as plain arrays (never the boxes; each remembers
its box, so ``jit`` can record a call on a Module argument against the boxes) and the
floating buffers; integer buffers (``num_batches_tracked``) and every other attribute
are static data in the treedef. Unflattening builds a new module with new boxes: a
concrete array gets a fresh ``Parameter`` (same ``requires_grad`` as the original), a
tracer is stored as it is, so ``forward`` runs unchanged under every transform.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import numpy as np

import funtorch as ft
from funtorch.nn.parameter import Parameter, is_concrete
from funtorch.typing import Key

if TYPE_CHECKING:  # module.py is the layer above this one
    from funtorch.nn.module import Module

__all__ = ["register", "functional_call"]


def _same(a, b) -> bool:
    if a is b:
        return True
    if isinstance(a, ft.Array) or isinstance(b, ft.Array):
        return (isinstance(a, ft.Array) and isinstance(b, ft.Array) and a.shape == b.shape
                and a.dtype == b.dtype)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.array_equal(a, b)
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - objects with exotic __eq__ compare by identity
        return False


class _Static:
    """Static fields of a module in a treedef: equal when names and values are equal
    (arrays compare by shape and dtype); hashed by names only, so it is always hashable."""

    __slots__ = ("items",)

    def __init__(self, items):
        self.items = items

    def __eq__(self, other):
        if type(other) is not _Static or len(other.items) != len(self.items):
            return False
        return all(ka == kb and _same(va, vb) for (ka, va), (kb, vb)
                   in zip(self.items, other.items))

    def __hash__(self):
        return hash(tuple(k for k, _ in self.items))

    def __repr__(self):
        return f"Static({', '.join(k for k, _ in self.items)})"


def _is_static_buffer(buf) -> bool:
    return buf is not None and is_concrete(buf) and buf.dtype.kind != "f"


def _leaf_of(param):
    if not isinstance(param, Parameter):
        return param
    leaf = param.data
    if type(leaf) is ft.Array:  # its box, which ft.jit passes in its place (jit_args.box_of)
        leaf._extra["box"] = param
    return leaf


def flatten_module(module):
    d = module.__dict__
    params, buffers, modules = d["_parameters"], d["_buffers"], d["_modules"]
    children = [_leaf_of(p) for p in params.values()]
    # A transform stores tracers, not boxes; their box's flag is kept aside so the
    # structure (and with it jit's cache key) survives a round trip through a transform.
    kept = d.get("_traced_requires_grad", {})
    grads = tuple(p.requires_grad if isinstance(p, Parameter) else kept.get(name, False)
                  for name, p in params.items())
    leaf_buffers = tuple(k for k, b in buffers.items() if not _is_static_buffer(b))
    static_buffers = tuple((k, b) for k, b in buffers.items() if _is_static_buffer(b))
    children.extend(buffers[k] for k in leaf_buffers)
    children.extend(modules.values())
    static = tuple((k, v) for k, v in d.items() if k not in (
        "_parameters", "_buffers", "_modules", "_traced_requires_grad"))
    aux = (tuple(params), grads, leaf_buffers, tuple(buffers), tuple(modules),
           _Static(static + static_buffers))
    return children, aux


def _box(leaf, requires_grad):
    if type(leaf) is ft.Array or isinstance(leaf, Parameter):
        return Parameter(leaf, requires_grad=requires_grad and leaf.dtype.kind == "f")
    return leaf  # a tracer (or None): stored as it is


def unflatten_module(cls, aux, children):
    param_names, grads, leaf_buffers, buffer_order, module_names, static = aux
    module = object.__new__(cls)
    d = module.__dict__
    values = dict(static.items)
    n_params, n_buffers = len(param_names), len(leaf_buffers)
    d.update((k, v) for k, v in values.items() if k not in buffer_order)
    d["_non_persistent"] = set(values.get("_non_persistent", ()))
    d["_parameters"] = OrderedDict(
        (name, _box(leaf, grad)) for name, grad, leaf in zip(param_names, grads, children))
    traced = {name: grad for name, grad, leaf in zip(param_names, grads, children)
              if not isinstance(d["_parameters"][name], Parameter)}
    if traced:
        d["_traced_requires_grad"] = traced
    leaves = dict(zip(leaf_buffers, children[n_params:n_params + n_buffers]))
    d["_buffers"] = OrderedDict((k, leaves[k] if k in leaves else values[k])
                                for k in buffer_order)
    d["_modules"] = OrderedDict(zip(module_names, children[n_params + n_buffers:]))
    return module


def register(cls) -> None:
    """Register a Module class as a pytree node (done for every subclass on definition)."""
    ft.tree.register_node(cls, flatten_module,
                          lambda aux, children: unflatten_module(cls, aux, children))


def copy_module(module):
    """A new module with new boxes holding the same arrays (no array is copied)."""
    leaves, treedef = ft.tree.flatten(module)
    return ft.tree.unflatten(treedef, leaves)


# functional_call -------------------------------------------------------------------------


def _set_entry(module, name, value):
    owner_name, _, attr = name.rpartition(".")
    owner = module.get_submodule(owner_name)
    d = owner.__dict__
    if attr in d["_parameters"]:
        d["_parameters"][attr] = _box(value, True) if is_concrete(value) else value
    elif attr in d["_buffers"]:
        d["_buffers"][attr] = value
    else:
        raise KeyError(f"functional_call: {type(module).__name__} has no parameter or buffer "
                       f"named '{name}'")


def functional_call(module: Module, params_and_buffers: Any = None, args: Any = (),
                    kwargs: Any = None, *, key: Key | None = None) -> Any:
    """Run ``module`` with other parameter/buffer values, without mutating anything.

    The call runs on a copy of ``module`` (new boxes) in which the entries of
    ``params_and_buffers`` (dotted names as in ``state_dict``; tracers allowed) replace
    the module's own. Layers that update state (BatchNorm running statistics in training
    mode) update the copy; the new state is returned, never written into ``module``.

    Args:
        module: the Module.
        params_and_buffers: ``{name: array}`` (a subset is fine) or ``None``.
        args: a tuple of positional arguments for ``forward`` (a single array is accepted).
        kwargs: keyword arguments for ``forward``.
        key: an ``ft.random`` key for the randomness of Dropout layers (each layer folds
            in its own index); without one they use the global generator.

    Returns:
        ``(output, buffers)``: ``buffers`` is an ``OrderedDict`` of every buffer after the
        call (for example the updated ``running_mean``).

    Example:
        >>> bn = ft.nn.BatchNorm1d(3)
        >>> out, state = ft.nn.functional_call(bn, {}, (ft.randn(4, 3),))
        >>> bool((bn.running_mean == 0).all()), bool((state["running_mean"] != 0).any())
        (True, True)
    """
    copy = copy_module(module)
    for sub in copy.modules():  # the copy's buffers may take traced values (returned below)
        sub.__dict__["_functional_copy"] = True
    for name, value in (params_and_buffers or {}).items():
        _set_entry(copy, name, value)
    if key is not None:
        for index, sub in enumerate(copy.modules()):
            if hasattr(type(sub), "_uses_key"):
                sub.__dict__["_key"] = ft.random.fold_in(key, index)
    if not isinstance(args, tuple):
        args = (args,)
    out = copy(*args, **(kwargs or {}))
    return out, OrderedDict(copy.named_buffers())


# load_state_dict -------------------------------------------------------------------------


def _shape_str(shape):
    return f"({', '.join(str(n) for n in shape)})" if len(shape) != 1 else f"({shape[0]},)"


def load_into(module, state_dict, strict, assign):
    expected = OrderedDict()
    # every path, like state_dict(): a shared child is saved (and loaded) under each name
    for prefix, sub in module.named_modules(remove_duplicate=False):
        dot = prefix + "." if prefix else ""
        for name, value in sub._parameters.items():
            if value is not None:
                expected[dot + name] = (sub, "_parameters", name, value)
        for name, value in sub._buffers.items():
            if value is not None and name not in sub._non_persistent:
                expected[dot + name] = (sub, "_buffers", name, value)
    missing = [k for k in expected if k not in state_dict]
    unexpected = [k for k in state_dict if k not in expected]
    errors = []
    if strict and unexpected:
        errors.append("Unexpected key(s) in state_dict: "
                      + ", ".join(f'"{k}"' for k in unexpected) + ". ")
    if strict and missing:
        errors.append("Missing key(s) in state_dict: "
                      + ", ".join(f'"{k}"' for k in missing) + ". ")
    updates = []
    for name, (sub, table, attr, current) in expected.items():
        if name not in state_dict:
            continue
        value = state_dict[name]
        shape = tuple(np.shape(value)) if not isinstance(value, ft.Array) else value.shape
        if shape != tuple(current.shape):
            errors.append(f"size mismatch for {name}: copying a param with shape "
                          f"{_shape_str(shape)} from checkpoint, the shape in current model "
                          f"is {_shape_str(current.shape)}.")
            continue
        updates.append((sub, table, attr, current, value))
    if errors:
        raise RuntimeError(f"Error(s) in loading state_dict for {type(module).__name__}:\n\t"
                           + "\n\t".join(errors))
    for sub, table, attr, current, value in updates:
        if assign:
            sub.__dict__[table][attr] = _assigned(current, value)
            continue
        new = ft.array(value.detach() if isinstance(value, ft.Array) else np.asarray(value),
                       dtype=current.dtype, device=current.device)
        if table == "_parameters" and isinstance(current, Parameter):
            current.data = new
        else:
            sub.__dict__[table][attr] = new
    return module_incompatible(missing, unexpected)


def _assigned(current, value):
    """``assign=True`` (PyTorch's): the module takes the loaded array itself, with its dtype
    and device; a parameter stays a Parameter with the old one's ``requires_grad`` (a
    loaded Parameter is kept as the same box, as PyTorch keeps the same tensor)."""
    if not isinstance(current, Parameter):
        return value if isinstance(value, ft.Array) else ft.asarray(value)
    requires_grad = current.requires_grad
    if isinstance(value, Parameter):
        if value.requires_grad != requires_grad:
            value.requires_grad_(requires_grad)
        return value
    value = value if isinstance(value, ft.Array) else ft.asarray(value)
    return Parameter(value, requires_grad=requires_grad and value.dtype.kind == "f")


def module_incompatible(missing, unexpected):
    from funtorch.nn.module import IncompatibleKeys

    return IncompatibleKeys(missing, unexpected)
