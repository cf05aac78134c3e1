"""Testing helpers: ``check_grads`` against finite differences, and hypothesis
``strategies`` (imported lazily so funtorch itself does not need hypothesis)."""

from funtorch.testing.gradcheck import check_grads  # noqa: F401


def __getattr__(name):
    if name == "strategies":
        import importlib

        return importlib.import_module("funtorch.testing.strategies")
    raise AttributeError(f"module 'funtorch.testing' has no attribute {name!r}")
