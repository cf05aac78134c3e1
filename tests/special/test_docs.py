"""The docstring examples of ``ft.special`` run and print what they say."""

import doctest
import importlib
import pkgutil

import funtorch as ft
import funtorch.special


def _examples():
    finder = doctest.DocTestFinder()
    names = ["funtorch.special"] + [
        f"funtorch.special.{info.name}" for info in pkgutil.iter_modules(ft.special.__path__)]
    for name in names:
        yield from finder.find(importlib.import_module(name), globs={"ft": ft})


def test_every_docstring_example_prints_what_it_says():
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    tests = [t for t in _examples() if t.examples]
    assert len(tests) >= 50  # one per public function
    for test in tests:
        runner.run(test, out=lambda text: None)
    assert runner.failures == 0, f"{runner.failures} docstring example(s) failed"


def test_scipy_spelling_is_the_same_module():
    assert ft.scipy.special is funtorch.special
    assert ft.special.erf is ft.erf
