"""Behaviour PyTorch users port code against: each case was once wrong (values from torch
2.13, written out by hand where short)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import funtorch as ft
from funtorch import nn
from funtorch.nn import functional as F


def test_clip_grad_norm_clips_when_given_a_generator():
    model = nn.Linear(3, 2)
    ft.sum(model(ft.ones((4, 3))) ** 2).backward()
    before = math.sqrt(sum(float(ft.sum(p.grad ** 2)) for p in model.parameters()))
    total = nn.utils.clip_grad_norm_(model.parameters(), 0.1)
    after = math.sqrt(sum(float(ft.sum(p.grad ** 2)) for p in model.parameters()))
    assert float(total) == pytest.approx(before, rel=1e-5)
    assert after == pytest.approx(0.1, rel=1e-4)
