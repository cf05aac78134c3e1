"""Pytrees: nested containers whose leaves are arrays (JAX's ``jax.tree`` semantics).

Containers: tuple, list, dict (keys sorted), OrderedDict (insertion order), None (no
leaves), namedtuples,
registered dataclasses and any class registered with :func:`register_node`.
Everything else is a leaf. Transforms flatten inputs and outputs through here.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

__all__ = ["map", "leaves", "flatten", "unflatten", "structure", "register_node",
           "register_dataclass", "PyTreeDef"]

_REGISTRY: dict = {}
_C = TypeVar("_C", bound=type)


class PyTreeDef:
    """The structure of a pytree: node type, static data and children's structures.

    Args:
        node_type: the container type (None for a leaf).
        aux: the node's static data (a dict's keys, a registered node's ``aux``).
        children: the children's structures.
        num_leaves: the number of leaves below (counted when None).

    Example:
        >>> ft.tree.structure([1, (2, 3)])
        PyTreeDef(list[*, PyTreeDef(tuple[*, *])])
    """

    __slots__ = ("node_type", "aux", "children", "num_leaves")

    def __init__(self, node_type: type | None, aux: Any, children: tuple[PyTreeDef, ...],
                 num_leaves: int | None = None) -> None:
        self.node_type = node_type
        self.aux = aux
        self.children = children
        if num_leaves is None:
            num_leaves = 1 if node_type is None else sum(c.num_leaves for c in children)
        self.num_leaves = num_leaves

    def __eq__(self, other):
        if self is other:
            return True
        return (isinstance(other, PyTreeDef) and self.node_type is other.node_type
                and self.aux == other.aux and self.children == other.children)

    def __hash__(self):
        return hash((self.node_type, _hashable(self.aux), self.children))

    def __repr__(self):
        if self.node_type is None:
            return "*"
        inner = ", ".join(repr(c) for c in self.children)
        return f"PyTreeDef({self.node_type.__name__}[{inner}])"


def _hashable(aux):
    try:
        hash(aux)
        return aux
    except TypeError:
        return repr(aux)


LEAF = PyTreeDef(None, None, ())


def register_node(cls: type, flatten: Callable[[Any], tuple[Any, Any]],
                  unflatten: Callable[[Any, Any], Any]) -> None:
    """Register a container type.

    Args:
        cls: the type.
        flatten: ``obj -> (children, aux)``; ``aux`` is hashable static data.
        unflatten: ``(aux, children) -> obj``.

    Raises:
        ValueError: ``cls`` is already registered.

    Example:
        >>> class Point:
        ...     def __init__(self, x, y):
        ...         self.x, self.y = x, y
        >>> ft.tree.register_node(Point, lambda p: ((p.x, p.y), None),
        ...                       lambda aux, ch: Point(*ch))
        >>> ft.tree.leaves(Point(1.0, 2.0))
        [1.0, 2.0]
    """
    if cls in _REGISTRY:
        raise ValueError(f"register_node: {cls.__name__} is already registered")
    _REGISTRY[cls] = (flatten, unflatten)


def register_dataclass(cls: _C) -> _C:
    """Register a dataclass as a pytree node (fields marked ``static=True`` in their
    metadata are static data); usable as a decorator.

    Args:
        cls: a dataclass.

    Returns:
        ``cls`` itself, now a pytree node.

    Raises:
        TypeError: ``cls`` is not a dataclass.

    Example:
        >>> import dataclasses
        >>> @ft.tree.register_dataclass
        ... @dataclasses.dataclass
        ... class Pair:
        ...     a: float
        ...     name: str = dataclasses.field(default="p", metadata={"static": True})
        >>> ft.tree.map(lambda x: 2 * x, Pair(1.5))
        Pair(a=3.0, name='p')
    """
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"register_dataclass: {cls.__name__} is not a dataclass")
    fields = [f.name for f in dataclasses.fields(cls) if not f.metadata.get("static")]
    static = [f.name for f in dataclasses.fields(cls) if f.metadata.get("static")]

    def flatten(obj):
        return [getattr(obj, f) for f in fields], tuple(getattr(obj, f) for f in static)

    def unflatten(aux, children):
        obj = object.__new__(cls)
        for name, value in zip(fields, children):
            object.__setattr__(obj, name, value)
        for name, value in zip(static, aux):
            object.__setattr__(obj, name, value)
        return obj

    register_node(cls, flatten, unflatten)
    return cls


def _dict_flatten(d):
    try:
        keys = sorted(d)
    except TypeError:
        keys = list(d)
    return [d[k] for k in keys], tuple(keys)


register_node(tuple, lambda t: (t, None), lambda aux, ch: tuple(ch))
register_node(list, lambda t: (t, None), lambda aux, ch: list(ch))
register_node(dict, _dict_flatten, lambda keys, ch: dict(zip(keys, ch)))
register_node(type(None), lambda n: ((), None), lambda aux, ch: None)
# insertion order (JAX's rule for OrderedDict): state_dict()/named_buffers() results
register_node(OrderedDict, lambda d: (list(d.values()), tuple(d)),
              lambda keys, ch: OrderedDict(zip(keys, ch)))


def _node_of(obj):
    cls = type(obj)
    entry = _REGISTRY.get(cls)
    if entry is None and isinstance(obj, tuple) and hasattr(obj, "_fields"):
        entry = (lambda t: (tuple(t), None), lambda aux, ch, cls=cls: cls(*ch))
    return entry


# Structures whose children are all leaves (a params dict, a tuple of arrays), keyed by
# (type, aux, number of children) and shared instead of rebuilt on every flatten: the
# transforms flatten the same arguments several times a call. Only built-in containers
# are interned (their aux is None or a tuple of dict keys, so hashable); bounded.
_ALL_LEAVES: dict = {}
_ALL_LEAVES_MAX = 4096


def _leaf_node(node_type, aux, n):
    key = (node_type, aux, n)
    treedef = _ALL_LEAVES.get(key)
    if treedef is None:
        if len(_ALL_LEAVES) >= _ALL_LEAVES_MAX:
            _ALL_LEAVES.clear()
        treedef = _ALL_LEAVES[key] = PyTreeDef(node_type, aux, (LEAF,) * n, n)
    return treedef


def _flatten(obj, out, is_leaf):
    # a loop, no generators, built-in containers inline: each Python call made here is
    # paid for every argument of every transformed call
    if is_leaf is not None and is_leaf(obj):
        out.append(obj)
        return LEAF
    cls = type(obj)
    if cls is dict:
        try:
            aux = tuple(sorted(obj))
        except TypeError:
            aux = tuple(obj)
        children, builtin = list(map(obj.__getitem__, aux)), True
    elif cls is tuple or cls is list:
        children, aux, builtin = obj, None, True
    elif cls is OrderedDict:
        children, aux, builtin = list(obj.values()), tuple(obj), True
    else:
        entry = _REGISTRY.get(cls)
        if entry is None:
            entry = _node_of(obj) if isinstance(obj, tuple) else None  # a namedtuple?
            if entry is None:
                out.append(obj)
                return LEAF
        children, aux = entry[0](obj)
        builtin = False
    defs = []
    num_leaves = 0
    all_leaves = builtin
    for child in children:
        if is_leaf is None and type(child) not in _REGISTRY and not isinstance(child, tuple):
            out.append(child)  # a leaf (not a node, not a namedtuple), without a call
            defs.append(LEAF)
            num_leaves += 1
        else:
            child_def = _flatten(child, out, is_leaf)
            defs.append(child_def)
            num_leaves += child_def.num_leaves
            all_leaves = all_leaves and child_def is LEAF
    if all_leaves:
        treedef = _ALL_LEAVES.get((cls, aux, num_leaves))
        return treedef if treedef is not None else _leaf_node(cls, aux, num_leaves)
    return PyTreeDef(cls, aux, tuple(defs), num_leaves)


def flatten(tree: Any, is_leaf: Callable[[Any], bool] | None = None
            ) -> tuple[list[Any], PyTreeDef]:
    """Split a pytree into its list of leaves and its structure.

    Args:
        tree: a pytree (tuples, lists, dicts, None, registered nodes; the rest are leaves).
        is_leaf: a predicate that stops the descent (its subtree becomes one leaf).

    Returns:
        ``(leaves, treedef)``: the leaves in order (dicts by sorted key) and the structure.

    Example:
        >>> ft.tree.flatten({"b": 1, "a": (2, 3)})
        ([2, 3, 1], PyTreeDef(dict[PyTreeDef(tuple[*, *]), *]))
    """
    leaves_out: list = []
    treedef = _flatten(tree, leaves_out, is_leaf)
    return leaves_out, treedef


def _unflatten(treedef, leaves_iter):
    node_type = treedef.node_type
    if node_type is None:
        return next(leaves_iter)
    children = []
    for child in treedef.children:  # a loop: no call per leaf
        children.append(next(leaves_iter) if child.node_type is None
                        else _unflatten(child, leaves_iter))
    if node_type is tuple:
        return tuple(children)
    if node_type is list:
        return children
    if node_type is dict:
        return dict(zip(treedef.aux, children))
    entry = _REGISTRY.get(node_type)
    if entry is None:  # namedtuple
        return node_type(*children)
    return entry[1](treedef.aux, children)


def unflatten(treedef: PyTreeDef, leaves_list: Iterable[Any]) -> Any:
    """Rebuild a pytree of structure ``treedef`` from a sequence of leaves.

    Args:
        treedef: a structure from :func:`flatten` or :func:`structure`.
        leaves_list: exactly ``treedef.num_leaves`` leaves, in flattening order.

    Returns:
        The pytree.

    Raises:
        ValueError: if the number of leaves does not match the structure.

    Example:
        >>> leaves, treedef = ft.tree.flatten((1, [2, 3]))
        >>> ft.tree.unflatten(treedef, [10, 20, 30])
        (10, [20, 30])
    """
    leaves_list = list(leaves_list)
    if len(leaves_list) != treedef.num_leaves:
        raise ValueError(f"tree.unflatten: structure {treedef} needs {treedef.num_leaves} "
                         f"leaves, got {len(leaves_list)}")
    return _unflatten(treedef, iter(leaves_list))


def leaves(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> list[Any]:
    """The leaves of a pytree, in flattening order.

    Args:
        tree: a pytree.
        is_leaf: a predicate that stops the descent.

    Returns:
        The list of leaves.

    Example:
        >>> ft.tree.leaves({"w": [1.0, 2.0], "b": None})
        [1.0, 2.0]
    """
    return flatten(tree, is_leaf)[0]


def structure(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> PyTreeDef:
    """The :class:`PyTreeDef` of a pytree.

    Args:
        tree: a pytree.
        is_leaf: a predicate that stops the descent.

    Returns:
        Its structure (``.num_leaves`` counts the leaves).

    Example:
        >>> ft.tree.structure((1, {"a": 2})).num_leaves
        2
    """
    return flatten(tree, is_leaf)[1]


def map(fn: Callable[..., Any], tree: Any, *rest: Any,  # noqa: A001 - JAX's name
        is_leaf: Callable[[Any], bool] | None = None) -> Any:
    """Apply ``fn`` to each leaf (and the matching leaves of ``rest``); same structure out.

    Args:
        fn: called with one leaf of ``tree`` and the matching leaf of each of ``rest``.
        tree: a pytree.
        *rest: pytrees of ``tree``'s structure.
        is_leaf: a predicate that stops the descent.

    Returns:
        A pytree of ``tree``'s structure holding ``fn``'s results.

    Raises:
        ValueError: if a tree in ``rest`` has a different structure (both are shown).

    Example:
        >>> ft.tree.map(lambda x, y: x + y, {"a": 1}, {"a": 2})
        {'a': 3}
    """
    flat, treedef = flatten(tree, is_leaf)
    others = []
    for other in rest:
        other_flat, other_def = flatten(other, is_leaf)
        if other_def != treedef:
            raise ValueError(f"tree.map: tree structures differ: {treedef} vs {other_def}")
        others.append(other_flat)
    return unflatten(treedef, [fn(*xs) for xs in zip(flat, *others)])


def path_of_leaf(treedef: PyTreeDef, index: int) -> str:
    """A readable path (``['w'][0]``) to leaf ``index`` of ``treedef``, for error messages."""
    # a loop, not a recursive closure: a closure that calls itself is a reference cycle,
    # which would keep everything it sees alive until the cyclic GC runs
    node, offset, prefix = treedef, 0, ""
    while node.node_type is not None:
        keys = node.aux if node.node_type is dict else range(len(node.children))
        for key, child in zip(keys, node.children):
            if offset <= index < offset + child.num_leaves:
                node, prefix = child, f"{prefix}[{key!r}]"
                break
            offset += child.num_leaves
        else:
            return "<root>"
    return (prefix if offset == index else None) or "<root>"
