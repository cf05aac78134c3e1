"""CuPy specifics, loaded only when a CUDA device is first requested."""

from funtorch import backends


def register(cupy):
    """Teach :func:`funtorch.backends.array_module` to recognise CuPy buffers."""
    backends._XP_BY_TYPE[cupy.ndarray] = cupy
