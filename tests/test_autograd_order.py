"""The order in which ``backward()`` runs tensor hooks, against torch 2.13 (the scenarios
and their generator are in ``tests/fixtures/make_hook_order_fixtures.py``)."""

from __future__ import annotations

import importlib.util
import json
import pathlib

import pytest

import funtorch as ft

_GEN = pathlib.Path(__file__).parent / "fixtures" / "make_hook_order_fixtures.py"
_spec = importlib.util.spec_from_file_location("make_hook_order_fixtures", _GEN)
scenarios = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(scenarios)
_REFERENCE = json.loads(scenarios.PATH.read_text())


@pytest.mark.parametrize("name", sorted(scenarios.SCENARIOS))
def test_hook_order_matches_torch(name):
    assert scenarios.SCENARIOS[name](ft) == _REFERENCE[name]
