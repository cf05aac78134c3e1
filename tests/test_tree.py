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


class _TupleSubclass(tuple):
    pass


# (tree, its leaves in order): the fast paths of flatten (built-in containers inline,
# all-leaf structures shared) must keep every case of the general rules
FLATTEN_CASES = [
    ({"w": 1, "b": 2}, [2, 1]),
    ((1, [2, None]), [1, 2]),
    ({"a": (2, [3, None]), "b": 1}, [2, 3, 1]),
    ([None, None], []),
    (collections.OrderedDict([("z", 1), ("a", 2)]), [1, 2]),
    ({1: "x", "a": "y"}, ["x", "y"]),  # unsortable keys: insertion order
    ({"p": Point(1, (2, 3))}, [1, 2, 3]),
    ((_TupleSubclass((1, 2)), 3), [_TupleSubclass((1, 2)), 3]),  # not a namedtuple: a leaf
    ((collections.defaultdict(int, a=1),), [collections.defaultdict(int, a=1)]),
    ((), []),
    (5, [5]),
]


@pytest.mark.parametrize("tree,want", FLATTEN_CASES)
def test_flatten_fast_paths_keep_the_rules(tree, want):
    leaves, treedef = ft.tree.flatten(tree)
    assert leaves == want and treedef.num_leaves == len(want)
    back = ft.tree.unflatten(treedef, leaves)
    assert back == tree and type(back) is type(tree)
    if isinstance(tree, dict):
        assert list(back) == list(tree) or list(back) == sorted(tree)


def test_structures_are_equal_whether_shared_or_built():
    shared = ft.tree.structure({"a": 1, "b": 2})
    assert shared is ft.tree.structure({"b": 3, "a": 4})
    built = ft.tree.PyTreeDef(dict, ("a", "b"), (ft.tree.structure(0),) * 2)
    assert built == shared and hash(built) == hash(shared) and built.num_leaves == 2
    assert ft.tree.structure((1, 2)) != ft.tree.structure([1, 2])
    assert ft.tree.structure((1, 2)) != ft.tree.structure((1, (2,)))


def test_is_leaf_sees_every_node_and_child():
    seen = []
    leaves = ft.tree.leaves({"a": [1, (2, 3)], "b": None},
                            is_leaf=lambda x: seen.append(x) or isinstance(x, tuple))
    assert leaves == [1, (2, 3)]
    assert [1, (2, 3)] in seen and 1 in seen and None in seen
