"""Every ``ft.stats`` function's generated docstring example runs and shows SciPy's value.

The doctest collection of the package only finds the functions a module defines itself; the
generated ones (``norm.pdf`` from ``norm.logpdf``, ...) are checked here. The expected values
come from ``tools/stats_examples.py`` (SciPy), so this also checks funtorch against SciPy at
one point per function.
"""

import doctest

import numpy as np
import pytest

import funtorch as ft
from funtorch.stats._examples import EXAMPLE_OUT

_FUNCTIONS = [(name, method) for name in ft.stats.__all__
              for method in getattr(ft.stats, name)._names]


def test_every_scalar_example_has_a_scipy_value():
    assert set(EXAMPLE_OUT) <= set(_FUNCTIONS)
    assert len(EXAMPLE_OUT) >= 0.9 * len(_FUNCTIONS)


@pytest.mark.parametrize("name, method", _FUNCTIONS, ids=[f"{n}.{m}" for n, m in _FUNCTIONS])
def test_docstring_example(name, method):
    doc = getattr(getattr(ft.stats, name), method).__doc__
    examples = doctest.DocTestParser().get_examples(doc)
    assert len(examples) == 1, f"ft.stats.{name}.{method}: expected one example"
    value = eval(examples[0].source, {"ft": ft, "np": np})
    want = examples[0].want.strip()
    assert want == EXAMPLE_OUT.get((name, method), ""), "the docstring shows the table's value"
    if want:  # 4 decimals, or 4 significant digits in exponent form below 1e-3
        tol = {"rtol": 2e-4, "atol": 0.0} if "e" in want else {"rtol": 1e-5, "atol": 1.5e-4}
        np.testing.assert_allclose(value, float(want), **tol)
