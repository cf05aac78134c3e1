"""Where torch has one function under two names (``torch.X is F.X``), funtorch has one too:
a second implementation is a silent wrong answer waiting to happen (the fixture lists the
pairs, generated from torch 2.13 by tests/fixtures/make_torch_aliases.py)."""

import json
import pathlib

import pytest

import funtorch as ft

F = ft.nn.functional
PAIRS = json.loads((pathlib.Path(__file__).parent.parent / "fixtures" /
                    "torch_aliases.json").read_text())["torch_is_functional"]
SHARED = [name for name in PAIRS if hasattr(ft, name) and hasattr(F, name)]


def test_the_fixture_covers_the_pairs_funtorch_has():
    assert {"cosine_similarity", "pdist", "conv2d", "prelu"} <= set(SHARED), SHARED


def test_cosine_similarity_clamps_each_norm_as_torch():
    # torch 2.13: cosine_similarity([[1e-5, 0]], [[1e-5, 0]], eps=1e-3) == 1e-4
    # (x1 . x2 / (max(|x1|, eps) max(|x2|, eps))), not 1e-7 (a clamp of the product)
    x = ft.array([[1e-5, 0.0], [3.0, 4.0]], dtype=ft.float64)
    y = ft.array([[1e-5, 0.0], [1.0, 1.0]], dtype=ft.float64)
    out = ft.cosine_similarity(x, y, dim=1, eps=1e-3)
    assert abs(float(out[0]) - 1e-10 / 1e-6) < 1e-18
    assert abs(float(out[1]) - 7.0 / (5.0 * 2.0 ** 0.5)) < 1e-15


@pytest.mark.parametrize("name", SHARED)
def test_torch_and_functional_spellings_are_one_function(name):
    ours, functional = getattr(ft, name), getattr(F, name)
    assert ours is functional or getattr(ours, "__wrapped__", None) is functional, (
        f"ft.{name} and ft.nn.functional.{name} are separate implementations; torch has one "
        f"object (torch.{name} is torch.nn.functional.{name})")
