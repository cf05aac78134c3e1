"""``ft.cuda``: query CUDA availability (through CuPy)."""

from funtorch.backends import cuda_is_available


def is_available() -> bool:
    """True when CuPy is installed and sees at least one CUDA GPU.

    Example:
        >>> ft.cuda.is_available()
        False
    """
    return cuda_is_available()
