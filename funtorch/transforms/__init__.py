"""Transforms other than reverse mode (which lives in ``funtorch.grad``)."""

from funtorch.transforms.jvp import jvp  # noqa: F401
