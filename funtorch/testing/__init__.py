"""Testing helpers: ``check_grads`` against finite differences, and hypothesis
``strategies`` (imported lazily so funtorch itself does not need hypothesis)."""

from funtorch.testing.gradcheck import check_grads  # noqa: F401

# static: tools/static_all.py writes this list (tests/test_typing.py checks it)
__all__ = [
    "check_grads",
]


def __getattr__(name: str) -> object:
    if name == "strategies":
        import importlib

        return importlib.import_module("funtorch.testing.strategies")
    raise AttributeError(f"module 'funtorch.testing' has no attribute {name!r}")
