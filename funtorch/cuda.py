"""``ft.cuda``: query CUDA availability (through CuPy)."""

from funtorch.backends import cuda_is_available


def is_available() -> bool:
    """True when CuPy is installed and sees at least one CUDA GPU.

    Returns:
        Whether ``"cuda"`` devices can hold arrays, a bool (False without CuPy, without a
        driver or with no GPU visible; never raises).

    Example:
        >>> on_gpu = ft.cuda.is_available()  # False on a machine without CuPy or a GPU
        >>> ft.zeros(2, device="cuda" if on_gpu else "cpu").device.type in ("cpu", "cuda")
        True
    """
    return cuda_is_available()
