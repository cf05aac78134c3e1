"""x.<torch method>(...) against torch 2.13 (fixture): values, dtypes, named tuples and
input gradients."""

import pytest

import torch_surface_cases as cases
from torch_surface_reference import check


@pytest.mark.parametrize("index", range(len(cases.METHODS)),
                         ids=[c.replace(" ", "") for c in cases.METHODS])
def test_method_matches_torch(index):
    check("METHODS", index)
