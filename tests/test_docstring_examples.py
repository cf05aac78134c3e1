"""Every public name's (and public method's) ``>>>`` example runs, including those the
doctest collection misses.

The root conftest collects every module of the package as a doctest module, but doctest
only looks at the objects a module defines itself: a function made by a factory in another
module (``ft.add`` from ``registry.binary``, the comparison wrappers of ``ops/logic.py``
assigned elsewhere, a class built by a helper) is never run there. This test walks the
public namespaces (``tools/annotation_walk.public_objects``), finds every docstring the
package collection runs, and runs the examples of all the others with the same names
(``ft``, ``np``, ``nn``, ``F``, ``optim``) and option flags. A new factory-made name is
checked the moment it has an example. ``ft.stats`` examples have their own SciPy-checked
test (tests/stats/test_examples.py).
"""

import doctest
import importlib
import pathlib
import pkgutil
import sys

import numpy as np
import pytest
from _pytest.doctest import _get_checker

import funtorch as ft

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tools"))
import annotation_walk  # noqa: E402

# pytest's NUMBER flag (floats compare to the digits shown) and the checker that reads it
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.register_optionflag("NUMBER")
_OPTIONAL = ("funtorch.onnx", "funtorch.safetensors_io")  # import only with their extras


def _collected_docstrings() -> set[int]:
    """ids of the docstrings the package's doctest-module collection runs."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    found: set[int] = set()
    for info in pkgutil.walk_packages(ft.__path__, "funtorch."):
        try:
            module = importlib.import_module(info.name)
        except ImportError:
            if info.name.startswith(_OPTIONAL):
                continue
            raise
        for test in finder.find(module):
            if test.docstring is not None:
                found.add(id(test.docstring))
    return found


def _uncollected_examples() -> list[tuple[str, object]]:
    collected = _collected_docstrings()
    methods = [(name, fn) for name, fn, _ in annotation_walk.public_methods()]
    return [(name, value) for name, value in [*annotation_walk.public_objects(), *methods]
            if ">>>" in (getattr(value, "__doc__", None) or "")
            and id(value.__doc__) not in collected
            and not name.startswith("funtorch.stats.")]


_EXAMPLES = _uncollected_examples()


def test_the_walk_sees_what_the_collection_misses():
    collected = _collected_docstrings()
    assert id(ft.nn.Linear.__doc__) in collected  # a class its module defines: collected
    # public wrappers made elsewhere (ft.sum's torch-style dim= wrapper) are not: run here
    assert _EXAMPLES and all(id(value.__doc__) not in collected for _, value in _EXAMPLES)


@pytest.mark.parametrize("name, value", _EXAMPLES, ids=[name for name, _ in _EXAMPLES])
def test_example_runs(name, value):
    globs = {"ft": ft, "np": np, "nn": ft.nn, "F": ft.nn.functional, "optim": ft.optim}
    test = doctest.DocTestParser().get_doctest(value.__doc__, globs, name, None, 0)
    runner = doctest.DocTestRunner(checker=_get_checker(), optionflags=_FLAGS)
    report: list[str] = []
    runner.run(test, out=report.append)
    assert not runner.failures, f"{name}'s example:\n" + "".join(report)
