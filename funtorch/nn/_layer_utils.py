"""Helpers shared by the layer classes: key splitting and default initialisation."""

from __future__ import annotations

import math

import numpy as np

import funtorch as ft
from funtorch.nn import init
from funtorch.nn.parameter import Parameter


def split_keys(key, n):
    """``n`` independent keys from ``key``, or ``n`` Nones (global generator)."""
    if key is None:
        return [None] * n
    return list(ft.random.split(key, n))


def make_param(array, device=None):
    return Parameter(array if device is None else array.to(device))


def default_weight(key, shape, dtype, device):
    """PyTorch's default for Linear/Conv weights: kaiming_uniform with a = sqrt(5)."""
    return make_param(init.kaiming_uniform(key, shape, a=math.sqrt(5), dtype=dtype), device)


def default_bias(key, shape, fan_in, dtype, device):
    """PyTorch's default bias: U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    return make_param(init.uniform(key, shape, -bound, bound, dtype), device)


def check_sizes(layer, **sizes):
    """Refuse a size argument (``in_features``, ``hidden_size``, ...) that is not a
    non-negative integer, naming the layer and the argument."""
    for name, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{type(layer).__name__}: {name} must be a non-negative integer, "
                             f"got {name}={value!r}")
