"""Shared fixtures: every device-independent test runs on each available device.

The CUDA parameter carries the ``gpu`` marker, so `pytest -m gpu` runs the suite on
the GPU; without CuPy or a GPU it is skipped with the reason from the backend.
"""

import numpy as np
import pytest

import funtorch as ft


def _cuda_param():
    try:
        ft.backends.get_backend("cuda")
        return pytest.param("cuda", marks=pytest.mark.gpu)
    except RuntimeError as exc:
        return pytest.param("cuda", marks=[pytest.mark.gpu, pytest.mark.skip(reason=str(exc))])


DEVICES = ["cpu", _cuda_param()]


@pytest.fixture(params=DEVICES)
def device(request):
    """The device name a test runs on ("cpu", or "cuda" under `pytest -m gpu`)."""
    return request.param


@pytest.fixture(autouse=True)
def _restore_global_state():
    dtype = ft.get_default_dtype()
    yield
    ft.set_default_dtype(dtype)


def assert_close(actual, expected, rtol=1e-6, atol=1e-6):
    if isinstance(actual, ft.Array):
        actual = actual.detach()  # np.asarray refuses arrays that require grad, as torch
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64),
                               np.asarray(expected, dtype=np.float64), rtol=rtol, atol=atol)
