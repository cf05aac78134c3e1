"""examples/pytorch_port.py under funtorch gives PyTorch's losses (issue #14).

The fixture ``tests/fixtures/port_losses.npz`` holds the same script's first 30 losses
and hook-logged gradient norms under torch 2.13 (``make_port_fixture.py``); the weights
come from one NumPy seed and the batch order is fixed, so float32 results agree closely.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = np.load(ROOT / "tests" / "fixtures" / "port_losses.npz")


@pytest.fixture(scope="module")
def port():
    """Import examples/pytorch_port.py (and its examples/datasets.py) as a module."""
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import pytorch_port
    finally:
        sys.path.remove(str(ROOT / "examples"))
    return pytorch_port


@pytest.fixture(scope="module")
def funtorch_run(port):
    """The example's ``train`` under funtorch for as many steps as the fixture has."""
    framework = port.load_framework("funtorch")
    return port.train(*framework, len(FIXTURE["losses"]), log=lambda line: None)


def test_losses_match_torch(funtorch_run):
    losses = funtorch_run[0]
    assert losses.dtype == np.float32 and losses.shape == FIXTURE["losses"].shape
    np.testing.assert_allclose(losses, FIXTURE["losses"], rtol=1e-5, atol=0)


def test_hook_gradient_norms_match_torch(port, funtorch_run):
    grad_norms = funtorch_run[1]
    names = [str(name) for name in FIXTURE["names"]]
    table = np.full(FIXTURE["grad_norms"].shape, np.nan, np.float32)
    for step, name, norm in grad_norms:
        table[step, names.index(name)] = norm
    assert len(grad_norms) == table.size  # every hook fired exactly once per step
    np.testing.assert_allclose(table, FIXTURE["grad_norms"], rtol=1e-4, atol=1e-7)


def test_unknown_framework_is_named(port):
    with pytest.raises(ValueError, match="load_framework: expected 'torch' or 'funtorch'"):
        port.load_framework("jax")
