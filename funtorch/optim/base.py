"""The optimizer protocol: ``GradientTransformation``, ``chain``, ``apply_updates`` and the
tree checks every optimizer runs on its inputs (Optax's design, PyTorch's error wording).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import funtorch as ft

__all__ = [
    "EmptyState",
    "GradientTransformation",
    "apply_updates",
    "cast_like",
    "chain",
    "check_trees",
    "identity",
    "require_params",
    "zero_count",
]

_NEEDS_PARAMS = ("{api}: update needs params (the current parameters): call "
                 "opt.update(grads, state, params)")

_TREE_MISMATCH = ("{api}: {what} and params have different tree structures; first difference "
                  "at {path}: {detail}. Pass {what} that mirror params (ft.grad(loss)(params) "
                  "returns a tree of the same structure).")
_SHAPE_MISMATCH = ("{api}: {what}{path} has shape {shape} but params{path} has shape "
                   "{param_shape}; {what} must have the shape of the parameter they update.")


class GradientTransformation(NamedTuple):
    """A pure optimizer (or a piece of one): a pair of functions with no hidden state.

    Attributes:
        init: ``params -> state``; the state is a pytree (NamedTuples of arrays), so it can
            be passed through ``ft.jit``, saved with ``ft.save`` and loaded back.
        update: ``(updates, state, params=None) -> (updates, state)``; maps gradients (or
            the updates of a previous transformation) to updates to add to ``params``.

    Example:
        >>> opt = ft.optim.sgd(0.1)
        >>> params = {"w": ft.ones(3)}
        >>> state = opt.init(params)
        >>> updates, state = opt.update({"w": ft.ones(3)}, state, params)
        >>> ft.optim.apply_updates(params, updates)
        {'w': array([0.9, 0.9, 0.9])}

    References:
        Babuschkin et al., "The DeepMind JAX Ecosystem" (Optax), 2020.
    """

    init: Callable[[Any], Any]
    update: Callable[..., Any]


class EmptyState(NamedTuple):
    """The state of a stateless transformation (no leaves).

    Example:
        >>> ft.optim.identity().init({"w": ft.zeros((2, 2))})._fields
        ()
    """


def identity() -> GradientTransformation:
    """The transformation that returns its updates unchanged (a neutral element for chain).

    Returns:
        A ``GradientTransformation``: ``init(params)`` builds the state,
            ``update(grads, state, params)`` returns ``(updates, new_state)``.

    Example:
        >>> ft.optim.identity().update({"w": ft.ones(1)}, EmptyState())[0]
        {'w': array([1.])}
    """
    return GradientTransformation(lambda params: EmptyState(),
                                  lambda updates, state, params=None: (updates, state))


def chain(*transforms: GradientTransformation) -> GradientTransformation:
    """Compose transformations: each one's updates feed the next.

    Args:
        *transforms: ``GradientTransformation`` s, applied left to right.

    Returns:
        A ``GradientTransformation`` whose state is the tuple of the parts' states.

    Raises:
        TypeError: an argument that is not a ``GradientTransformation``.

    Example:
        >>> opt = ft.optim.chain(ft.optim.clip_by_global_norm(1.0), ft.optim.adam(1e-3))
    """
    for index, transform in enumerate(transforms):
        if not isinstance(transform, GradientTransformation):
            raise TypeError(f"chain: argument {index} is a {type(transform).__name__}, not a "
                            "GradientTransformation (call the factory: ft.optim.adam(1e-3), "
                            "not ft.optim.adam)")

    def init(params):
        return tuple(transform.init(params) for transform in transforms)

    def update(updates, state, params=None):
        new_state = []
        for transform, part in zip(transforms, state):
            updates, part = transform.update(updates, part, params)
            new_state.append(part)
        return updates, tuple(new_state)

    return GradientTransformation(init, update)


def cast_like(value, like):
    """``value`` (a Python number or an array) as an array of ``like``'s dtype, so scalars
    computed in float64 never promote float32 parameters."""
    if isinstance(value, ft.Array):
        return value.astype(like.dtype)
    return ft.asarray(value, dtype=like.dtype, device=like.device)


def zero_count(params):
    """A 0-d int64 step counter on the device of ``params``' first leaf."""
    leaves = [leaf for leaf in ft.tree.leaves(params) if isinstance(leaf, ft.Array)]
    return ft.zeros((), dtype=ft.int64, device=leaves[0].device if leaves else None)


def require_params(params, api: str):
    """Raise ``ValueError`` if a transformation that reads the parameters got none."""
    if params is None:
        raise ValueError(_NEEDS_PARAMS.format(api=api))


def apply_updates(params: Any, updates: Any) -> Any:
    """Add ``updates`` to ``params`` leaf by leaf; every result keeps its parameter's dtype.

    Args:
        params: a pytree of arrays (a dict, a Module, ...).
        updates: a pytree of the same structure (``opt.update``'s first output).

    Returns:
        The new parameters, a pytree of the structure of ``params``.

    Raises:
        ValueError: the trees differ (the first differing path is named).

    Example:
        >>> ft.optim.apply_updates({"w": ft.ones(2)}, {"w": ft.full((2,), -0.5)})
        {'w': array([0.5, 0.5])}
    """
    check_trees(updates, params, "apply_updates", what="updates")
    return ft.tree.map(lambda p, u: (p + u).astype(p.dtype), params, updates)


def _child_keys(node):
    if node.node_type is dict:
        return [f"[{key!r}]" for key in node.aux]
    fields = getattr(node.node_type, "_fields", None)
    if fields is not None and len(fields) == len(node.children):
        return [f".{name}" for name in fields]
    return [f"[{index}]" for index in range(len(node.children))]


def _describe(node):
    if node.node_type is None:
        return "a leaf"
    if node.node_type is type(None):
        return "None"
    if node.node_type is dict:
        return f"a dict with keys {list(node.aux)}"
    count = len(node.children)
    return f"a {node.node_type.__name__} with {count} {'child' if count == 1 else 'children'}"


def _first_mismatch(left, right, path):
    """``(path, detail)`` of the first place where two treedefs differ, or ``None``."""
    if left == right:
        return None
    if left.node_type is dict and right.node_type is dict and left.aux != right.aux:
        missing = [key for key in right.aux if key not in left.aux]
        if missing:
            return f"{path}[{missing[0]!r}]", "params has an entry there that {what} lacks"
        extra = [key for key in left.aux if key not in right.aux]
        return f"{path}[{extra[0]!r}]", "{what} has an entry there that params lacks"
    if (left.node_type is not right.node_type or len(left.children) != len(right.children)
            or (left.node_type is dict and left.aux != right.aux)):
        return path or "<root>", f"{{what}} has {_describe(left)}, params has {_describe(right)}"
    for key, lchild, rchild in zip(_child_keys(left), left.children, right.children):
        found = _first_mismatch(lchild, rchild, path + key)
        if found is not None:
            return found
    return path or "<root>", "the static data of this node differs"


def _leaf_path(treedef, index):
    node, offset, prefix = treedef, 0, ""
    while node.node_type is not None:
        for key, child in zip(_child_keys(node), node.children):
            if offset <= index < offset + child.num_leaves:
                node, prefix = child, prefix + key
                break
            offset += child.num_leaves
        else:
            return prefix
    return prefix


def check_trees(grads: Any, params: Any, api: str, what: str = "grads") -> None:
    """Raise ``ValueError`` naming the first path where ``grads`` and ``params`` differ in
    tree structure or leaf shape.

    Args:
        grads: the gradients (or updates) about to be applied.
        params: the parameters.
        api: the caller's name, for the message (``"adam.update"``).
        what: what ``grads`` is called in the message.

    Raises:
        ValueError: the trees differ in structure (the message names the first differing
            path) or a leaf's shape differs from its parameter's.

    Example:
        >>> ft.optim.check_trees({"w": ft.ones(2)}, {"w": ft.zeros(2)}, "mine") is None
        True
        >>> ft.optim.check_trees({"w": ft.ones(2)}, {"b": ft.ones(2)}, "mine")
        Traceback (most recent call last):
        ValueError: mine: grads and params have different tree structures; first ...
    """
    grad_leaves, grad_def = ft.tree.flatten(grads)
    param_leaves, param_def = ft.tree.flatten(params)
    if grad_def != param_def:
        path, detail = _first_mismatch(grad_def, param_def, "")
        raise ValueError(_TREE_MISMATCH.format(api=api, what=what, path=path,
                                               detail=detail.format(what=what)))
    for index, (grad, param) in enumerate(zip(grad_leaves, param_leaves)):
        grad_shape, param_shape = getattr(grad, "shape", ()), getattr(param, "shape", ())
        if tuple(grad_shape) != tuple(param_shape):
            raise ValueError(_SHAPE_MISMATCH.format(
                api=api, what=what, path=_leaf_path(param_def, index),
                shape=tuple(grad_shape), param_shape=tuple(param_shape)))
