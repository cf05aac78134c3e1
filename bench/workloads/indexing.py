"""Basic indexing (issue 18): ``x[3]``, ``x[3:10, ::2]``, ``x[:, None]``, ``x[..., 0]``.

``x`` is a 64x64 float64 array. One step applies the four indices (eager); divide the
time by 4 for the cost of one index. NumPy returns views (0.2-0.3 us each), so this
measures the library's per-call cost: parsing the index, dispatch, the result wrapper.
"""

from __future__ import annotations

import numpy as np

from workloads.base import Impl

NAME = "indexing"
DESCRIPTION = "the four basic indices x[3], x[3:10, ::2], x[:, None], x[..., 0] of a 64x64 array"

SIDE = 64
SEED = 0
CALLS = 4


def make_input(side=SIDE, seed=SEED):
    """The float64 (side, side) input from a fixed seed."""
    return np.random.default_rng(seed).normal(size=(side, side))


def four_indices(x):
    """The workload's four basic indices of ``x``, in order (every implementation)."""
    return x[3], x[3:10, ::2], x[:, None], x[..., 0]


def _make_numpy():
    x = make_input()
    return (lambda: four_indices(x)), _fetch


def _make_funtorch():
    import funtorch as ft

    x = ft.array(make_input())
    return (lambda: four_indices(x)), _fetch


def _make_torch():
    import torch

    x = torch.from_numpy(make_input())
    return (lambda: four_indices(x)), lambda out: tuple(t.numpy() for t in out)


def _make_jax():
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    x = jnp.asarray(make_input())
    return (lambda: jax.block_until_ready(four_indices(x))), _fetch


def _fetch(out):
    return tuple(np.asarray(a) for a in out)


IMPLEMENTATIONS = (
    Impl("numpy", _make_numpy, traced_memory=True),
    Impl("funtorch", _make_funtorch, traced_memory=True),
    Impl("torch", _make_torch),
    Impl("jax", _make_jax),
)


def check():
    """Assert funtorch's four indices equal NumPy's (values, shapes, dtype)."""
    import funtorch as ft

    x = make_input()
    for got, want in zip(four_indices(ft.array(x)), four_indices(x), strict=True):
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_array_equal(np.asarray(got), want)
    return "funtorch's four basic indices == numpy's"


def compare(result, reference):
    """Assert one implementation's four results equal the baseline's."""
    for got, want in zip(result, reference, strict=True):
        np.testing.assert_array_equal(got, want)
