"""Top-level grad modes with torch's meaning: set_grad_enabled, inference_mode,
is_grad_enabled, is_inference_mode_enabled, get/set_default_dtype."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import funtorch as ft


def test_set_grad_enabled_call_context_and_decorator():
    x = ft.ones(2, requires_grad=True)
    ft.set_grad_enabled(False)
    try:
        assert not ft.is_grad_enabled() and not (x * 2).requires_grad
    finally:
        ft.set_grad_enabled(True)
    with ft.set_grad_enabled(False):
        assert not ft.is_grad_enabled()
    assert ft.is_grad_enabled()

    @ft.set_grad_enabled(False)
    def f(v):
        return v * 2
    assert ft.is_grad_enabled() and not f(x).requires_grad


def test_inference_mode_forms():
    x = ft.ones(2, requires_grad=True)
    with ft.inference_mode():
        assert ft.is_inference_mode_enabled() and not ft.is_grad_enabled()
        assert not (x * 2).requires_grad
        with ft.inference_mode(False):  # torch: recording back on inside
            assert ft.is_grad_enabled() and not ft.is_inference_mode_enabled()
    assert ft.is_grad_enabled() and not ft.is_inference_mode_enabled()

    @ft.inference_mode
    def bare(v):
        return v * 2, ft.is_inference_mode_enabled()

    @ft.inference_mode()
    def called(v):
        return v * 2, ft.is_inference_mode_enabled()
    for fn in (bare, called):
        out, flag = fn(x)
        assert flag and not out.requires_grad
    with ft.no_grad(), ft.inference_mode(False):
        assert ft.is_grad_enabled()
    with pytest.raises(TypeError, match="inference_mode"):
        ft.inference_mode("yes")


def test_grad_modes_are_per_thread():
    seen = []
    with ft.inference_mode():
        worker = threading.Thread(target=lambda: seen.append(
            (ft.is_grad_enabled(), ft.is_inference_mode_enabled())))
        worker.start()
        worker.join()
    assert seen == [(True, False)]


def test_default_dtype_as_torch():
    assert ft.get_default_dtype() == np.float32
    previous = ft.get_default_dtype()
    ft.set_default_dtype(ft.float64)
    try:
        assert ft.ones(2).dtype == np.float64 and ft.tensor([1.5]).dtype == np.float64
    finally:
        ft.set_default_dtype(previous)
    with pytest.raises(TypeError, match="floating"):
        ft.set_default_dtype(ft.int64)


@pytest.mark.parametrize("transform", [ft.jacrev, ft.jacfwd, ft.hessian])
def test_jacobians_refuse_bad_argnums(transform):
    with pytest.raises(TypeError, match=rf"{transform.__name__}: argnums must be an int"):
        transform(ft.sin, argnums=0.0)
    with pytest.raises(ValueError, match="argnums=3"):
        transform(lambda a: ft.sum(a ** 2), argnums=3)(ft.ones(2))
