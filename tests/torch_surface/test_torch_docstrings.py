"""The torch spellings' docstrings (issue #20) and the modules split out of the
``torch_*.py`` adapters.

tools/annotation_walk.py checks that each public name has an ``Args:`` section; this checks
that the section of every function the ``torch_*`` modules define names exactly its
parameters (the parser of tests/nn/test_functional_docstrings.py). The adapters were split
by topic to stay within 400 lines: the old module still exports every moved name, and
``ft.<name>`` is the same object.
"""

import inspect
import re

import pytest

import funtorch as ft
from funtorch.ops import torch_extra, torch_extra_misc, torch_extra_random, torch_functions, \
    torch_index, torch_index_masked, torch_linalg, torch_linalg_norms, torch_math, \
    torch_math_blas, torch_math_special, torch_shape, torch_shape_build, torch_sort

_ARGS = re.compile(r"^Args:\n((?:    .*\n|\n)*)", re.M)
_ENTRY = re.compile(r"^    (\*{0,2}\w+(?:, \w+)*):")

# new module -> the module that re-exports its names
_SPLITS = {torch_extra_misc: torch_extra, torch_extra_random: torch_extra,
           torch_index_masked: torch_index, torch_linalg_norms: torch_linalg,
           torch_math_blas: torch_math, torch_math_special: torch_math,
           torch_shape_build: torch_shape}
_ADAPTERS = (torch_extra, torch_index, torch_linalg, torch_math, torch_shape, torch_sort)


def _documented(doc):
    section = _ARGS.search(doc + "\n")
    names = set()
    for line in section.group(1).splitlines() if section else ():
        entry = _ENTRY.match(line)
        if entry:
            names |= {name.strip().lstrip("*") for name in entry.group(1).split(",")}
    return names


def _own_functions():
    """(module.name, function) for every function of the adapters' ``__all__`` that a
    ``torch_*`` module defines (forward() wrappers included: their ``*args``/``**kwargs``)."""
    out = {}
    for module in _ADAPTERS:
        for name in module.__all__:
            fn = getattr(module, name)
            if inspect.isfunction(fn) and fn.__module__.startswith("funtorch.ops.torch_"):
                out[f"{module.__name__.rsplit('.', 1)[1]}.{name}"] = fn
    return sorted(out.items())


_FUNCTIONS = _own_functions()


@pytest.mark.parametrize("name, fn", _FUNCTIONS, ids=[name for name, _ in _FUNCTIONS])
def test_args_section_names_every_parameter(name, fn):
    params = set(inspect.signature(fn).parameters)
    documented = _documented(inspect.getdoc(fn) or "")
    assert params == documented, (f"{name}: undocumented {sorted(params - documented)}, "
                                  f"not parameters {sorted(documented - params)}")


def test_the_walk_sees_the_split_modules():
    modules = {fn.__module__ for _, fn in _FUNCTIONS}
    assert {m.__name__ for m in _SPLITS} <= modules


@pytest.mark.parametrize("new, old", _SPLITS.items(),
                         ids=[m.__name__.rsplit(".", 1)[1] for m in _SPLITS])
def test_moved_names_stay_exported_by_the_old_module(new, old):
    moved = [name for name, value in vars(new).items()
             if inspect.isfunction(value) and value.__module__ == new.__name__
             and not name.startswith("_")]
    assert moved
    for name in moved:
        assert getattr(old, name) is getattr(new, name), name
        assert name in old.__all__, name
        # the gateway exports the adapter itself, or a dual whose torch spelling it is
        exported = getattr(torch_functions, name, None)
        assert exported is None or exported is getattr(new, name) or getattr(
            exported, "torch_spelling", None) is getattr(new, name), name


def test_forward_examples_run_in_the_wrappers():
    # forward() appends the given example: ft.det's docstring carries one
    assert ">>> ft.det(" in ft.det.__doc__
    assert ">>> ft.argmax(" in ft.argmax.__doc__  # dual() adds its table's example
