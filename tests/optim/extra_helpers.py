"""Reference values of the optimizers and schedulers added in optimizers_extra.py,
lbfgs.py, lr_scheduler/extra.py and lr_scheduler/sequential.py
(tests/fixtures/make_optim_extra_fixtures.py)."""

import json
import os

import numpy as np

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "optim_extra_reference.npz")


def load_extra_reference():
    ref = dict(np.load(FIXTURE, allow_pickle=False))
    spec = json.loads(ref.pop("__spec__").tobytes().decode())
    return ref, spec


XREF, XSPEC = load_extra_reference()


def kwargs_of(raw: dict) -> dict:
    """JSON lists back to the tuples the optimizers take."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
