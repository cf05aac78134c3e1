"""ft.<torch name>(...) against torch 2.13 (fixture): values, dtypes, named tuples, input
gradients and refusals, including 0-d, empty, broadcasting and negative-dim cases."""

import pytest

import torch_surface_cases as cases
from torch_surface_reference import check


@pytest.mark.parametrize("index", range(len(cases.FUNCTIONS)),
                         ids=[c.replace(" ", "") for c in cases.FUNCTIONS])
def test_function_matches_torch(index):
    check("FUNCTIONS", index)
