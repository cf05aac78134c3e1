"""Module hooks as PyTorch has them: forward pre-hooks, forward hooks, full backward
hooks and backward pre-hooks, each registered with a removable handle.

A module gets its hook tables (``_forward_pre_hooks``, ``_forward_hooks``,
``_backward_pre_hooks``, ``_backward_hooks``, ordered dicts of id -> hook) only when a
hook is registered, so modules without hooks flatten, save and jit as before. Forward
hooks run wherever ``module(x)`` runs, under transforms too (the tables are static data
of the module's pytree, shared by copies made by transforms). Backward hooks run in
PyTorch-style ``backward()``: the tensor inputs and outputs of the call pass through an
identity primitive whose VJP calls them (torch's ``BackwardHook`` does the same).
Under ``ft.grad``/``ft.vjp`` they are not called (see ``nn/README.md``).
"""

from __future__ import annotations

from collections import OrderedDict

import funtorch as ft
from funtorch.autograd_hooks import RemovableHandle
from funtorch.complex_grad import torch_convention
from funtorch.core import _STATE, _TRACER_TYPES, Primitive

__all__ = ["register", "call_with_hooks", "TABLES"]

TABLES = ("_forward_pre_hooks", "_forward_hooks", "_backward_pre_hooks", "_backward_hooks")


def register(module, table, hook, prepend=False, **flags):
    """Add ``hook`` to ``module``'s ``table`` (created on first use); return its handle."""
    d = module.__dict__
    hooks = d.get(table)
    if hooks is None:
        hooks = d[table] = OrderedDict()
    handle = RemovableHandle(hooks)
    hooks[handle.id] = (hook, flags)
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def _entries(module, table):
    hooks = module.__dict__.get(table)
    return list(hooks.values()) if hooks else []


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def _run_pre_hooks(module, args, kwargs):
    for hook, flags in _entries(module, "_forward_pre_hooks"):
        if flags.get("with_kwargs"):
            result = hook(module, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError("forward pre-hook registered with_kwargs=True must "
                                       f"return None or a tuple (args, kwargs), got {result!r}")
                args, kwargs = _as_tuple(result[0]), result[1]
        else:
            result = hook(module, args)
            if result is not None:
                args = _as_tuple(result)
    return args, kwargs


def _run_forward_hooks(module, args, kwargs, out):
    for hook, flags in _entries(module, "_forward_hooks"):
        result = (hook(module, args, kwargs, out) if flags.get("with_kwargs")
                  else hook(module, args, out))
        if result is not None:
            out = result
    return out


def call_with_hooks(module, args, kwargs):
    """``module(*args, **kwargs)`` with its hooks (``Module.__call__`` when it has some)."""
    args, kwargs = _run_pre_hooks(module, tuple(args), kwargs)
    state = None
    if _STATE.grad_enabled and (module.__dict__.get("_backward_hooks")
                                or module.__dict__.get("_backward_pre_hooks")):
        state = _BackwardState(module)
        args = state.wrap_inputs(args)
    try:
        out = module.forward(*args, **kwargs)
    except Exception:
        for hook, flags in _entries(module, "_forward_hooks"):
            if flags.get("always_call"):
                hook(module, args, kwargs, None) if flags.get("with_kwargs") else hook(
                    module, args, None)
        raise
    out = _run_forward_hooks(module, args, kwargs, out)
    return out if state is None else state.wrap_outputs(out)


# Backward hooks --------------------------------------------------------------------------


def _tracked(x):
    return isinstance(x, ft.Array) and type(x) not in _TRACER_TYPES and x._node is not None


class _BackwardState:
    """One call's backward hooks: the outputs' identity sees grad_output first (pre-hooks
    may replace it), the inputs' identity then sees grad_input (full hooks may replace
    it). With no input requiring grad, full hooks get ``grad_input`` of Nones."""

    def __init__(self, module):
        self.module = module
        self.grad_output = None
        self.n_inputs = 0
        self.cache = None

    def wrap_inputs(self, args):
        picked = [i for i, a in enumerate(args) if _tracked(a)]
        self.n_inputs = len(picked)
        if not picked:
            return args
        outs = _identity(len(picked), "inputs")(*[args[i] for i in picked], state=self)
        args = list(args)
        for i, new in zip(picked, outs):
            args[i] = new
        return tuple(args)

    def wrap_outputs(self, out):
        leaves, treedef = ft.tree.flatten(out)
        picked = [i for i, x in enumerate(leaves) if _tracked(x)]
        if not picked:
            return out
        news = _identity(len(picked), "outputs")(*[leaves[i] for i in picked], state=self)
        for i, new in zip(picked, news):
            leaves[i] = new
        return ft.tree.unflatten(treedef, leaves)

    def on_grad_output(self, grads):
        grads = tuple(grads)
        for hook, _ in _entries(self.module, "_backward_pre_hooks"):
            result = hook(self.module, grads)
            if result is not None:
                grads = _as_tuple(result)
        self.grad_output = grads
        if self.n_inputs == 0:  # torch calls full hooks with grad_input of Nones then
            self.on_grad_input((None,))
        return grads

    def on_grad_input(self, grads):
        grads = tuple(grads)
        for hook, _ in _entries(self.module, "_backward_hooks"):
            result = hook(self.module, grads, self.grad_output)
            if result is not None:
                result = _as_tuple(result)
                if len(result) != len(grads):
                    raise RuntimeError(f"backward hook returned {len(result)} gradients; "
                                       f"expected {len(grads)} (one per input)")
                grads = result
        return grads


def _torch_grads(grads):
    """Cotangents in PyTorch's convention (complex ones conjugated; the map is its own
    inverse, so it also brings the hooks' results back to the engine's)."""
    return tuple(None if g is None else torch_convention(g) for g in grads)


def _identity_vjp(side, index):
    def rule(g, ans, *args, state):
        cache = state.cache
        if cache is None or cache[0] is not g or cache[1] != side:
            hook = state.on_grad_output if side == "outputs" else state.on_grad_input
            state.cache = cache = (g, side, _torch_grads(hook(_torch_grads(g))))
        grad = cache[2][index]
        return ft.zeros_like(args[index]) if grad is None else grad
    return rule


_PRIMITIVES: dict = {}


def _identity(arity, side):
    key = (arity, side)
    if key not in _PRIMITIVES:
        _PRIMITIVES[key] = Primitive(
            f"backward_hook_{side}", lambda xp, *bufs, state: tuple(bufs),
            shape=lambda *avals, state: [(a.shape, a.dtype) for a in avals],
            vjp=tuple(_identity_vjp(side, i) for i in range(arity)),
            multiple_results=True, register=False, torch_name="BackwardHookFunction")
    return _PRIMITIVES[key]
