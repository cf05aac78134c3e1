"""Fixtures of the optimizer tests (the helpers live in helpers.py)."""

import pytest

from optim.helpers import REF, Problem, parameter_class


@pytest.fixture(scope="session")
def ref():
    return REF


@pytest.fixture(scope="session")
def problem():
    return Problem()


@pytest.fixture(scope="session")
def param_cls():
    return parameter_class()
