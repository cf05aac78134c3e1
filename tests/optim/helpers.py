"""Shared pieces of the optimizer tests: the reference values, the small fixed problem they
were generated on (tests/fixtures/make_optim_fixtures.py), and the parameter class the
stateful tests use (``ft.nn.Parameter``, or a stand-in with the same protocol)."""

import json
import os

import numpy as np

import funtorch as ft

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "optim_reference.npz")
NAMES = ("w", "b", "q")


def load_reference():
    ref = dict(np.load(FIXTURE, allow_pickle=False))
    spec = json.loads(ref.pop("__spec__").tobytes().decode())
    return ref, spec


REF, SPEC = load_reference()


class StandInParameter:
    """The protocol the stateful optimizers need: ``.grad`` and a ``.data`` setter."""

    def __init__(self, value):
        self._value = ft.asarray(value)
        self.grad = None

    @property
    def data(self):
        return self._value

    @data.setter
    def data(self, value):
        self._value = value


def parameter_class():
    try:
        return ft.nn.Parameter
    except AttributeError:  # ft.nn not importable yet
        return StandInParameter


class Problem:
    """``loss = mean((x @ w.T + b - y) ** 2) + 0.5 * sum(h * (q - c) ** 2)``, float32."""

    def __init__(self):
        self.x, self.y, self.h, self.c = (ft.array(REF[f"problem/{k}"]) for k in "xyhc")

    def params(self):
        return {name: ft.array(REF[f"problem/{name}"]) for name in NAMES}

    def loss(self, params):
        residual = self.x @ params["w"].T + params["b"] - self.y
        return (residual ** 2).mean() + 0.5 * (self.h * (params["q"] - self.c) ** 2).sum()

    def grads(self, params):
        return ft.grad(self.loss)(params)
