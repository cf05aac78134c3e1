"""Root conftest: the names every docstring example may use (``ft``, ``np``, ``nn``, ``F``)."""

import numpy as np
import pytest

import funtorch as ft


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    doctest_namespace.update(ft=ft, np=np, nn=ft.nn, F=ft.nn.functional, optim=ft.optim)
