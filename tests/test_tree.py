"""Pytrees: flatten/unflatten round trips, containers, registration, errors."""

import collections
import dataclasses

import pytest

import funtorch as ft

Point = collections.namedtuple("Point", "x y")


def test_flatten_orders_dict_keys_and_round_trips():
    tree = {"b": 1, "a": (2, [3, None]), "c": Point(4, 5)}
    leaves, treedef = ft.tree.flatten(tree)
    assert leaves == [2, 3, 1, 4, 5]
    assert ft.tree.unflatten(treedef, leaves) == tree
    assert ft.tree.leaves(tree) == leaves and ft.tree.structure(tree) == treedef


def test_map_with_several_trees_and_structure_mismatch():
    assert ft.tree.map(lambda a, b: a + b, {"x": 1, "y": (2,)}, {"x": 10, "y": (20,)}) == {
        "x": 11, "y": (22,)}
    with pytest.raises(ValueError, match="tree structures differ"):
        ft.tree.map(lambda a, b: a, {"x": 1}, {"y": 1})


def test_register_node_and_dataclass():
    class Box:
        def __init__(self, value, label):
            self.value, self.label = value, label
    ft.tree.register_node(Box, lambda b: ((b.value,), b.label), lambda label, ch: Box(ch[0], label))
    out = ft.tree.map(lambda v: v * 2, Box(3, "a"))
    assert isinstance(out, Box) and out.value == 6 and out.label == "a"
    with pytest.raises(ValueError, match="already registered"):
        ft.tree.register_node(Box, None, None)

    @ft.tree.register_dataclass
    @dataclasses.dataclass
    class Params:
        w: object
        name: str = dataclasses.field(default="p", metadata={"static": True})
    leaves, treedef = ft.tree.flatten(Params(w=ft.ones(2)))
    assert len(leaves) == 1
    assert ft.tree.unflatten(treedef, leaves).name == "p"


def test_unflatten_checks_leaf_count():
    _, treedef = ft.tree.flatten((1, 2))
    with pytest.raises(ValueError, match="needs 2 leaves, got 3"):
        ft.tree.unflatten(treedef, [1, 2, 3])


def test_grad_over_registered_dataclass():
    @ft.tree.register_dataclass
    @dataclasses.dataclass
    class Linear:
        w: object
        b: object
    model = Linear(ft.array([2.0]), ft.array([1.0]))
    g = ft.grad(lambda m, x: ft.sum(m.w * x + m.b))(model, ft.array([3.0]))
    assert isinstance(g, Linear) and g.w.tolist() == [3.0] and g.b.tolist() == [1.0]
