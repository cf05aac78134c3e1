"""Backends: one small interface over NumPy (CPU) and CuPy (CUDA).

A backend maps a device to an array module (``xp``) and the few operations the
two libraries spell differently (host/device transfer). CuPy is imported only
when a ``"cuda"`` device is first asked for.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["Device", "device", "get_backend", "get_backend_of", "cuda_is_available", "Backend"]

_CUDA_MISSING_CUPY = (
    "device 'cuda' requested but CuPy is not installed; install it with "
    "`pip install funtorch[gpu]` (or the cupy wheel matching your CUDA version)."
)
_CUDA_MISSING_GPU = (
    "device 'cuda' requested: CuPy is installed but found no usable CUDA GPU ({reason})."
)


class Device:
    """A compute device, ``Device("cpu")`` or ``Device("cuda", 0)``.

    Args:
        type: ``"cpu"`` or ``"cuda"``.
        index: the GPU's index (None: the current one; always None for the CPU).

    Example:
        >>> ft.device("cpu")
        device(type='cpu')
    """

    __slots__ = ("type", "index")

    def __init__(self, type: str, index: int | None = None) -> None:
        self.type = type
        self.index = index

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        if not isinstance(other, Device):
            return NotImplemented
        return self.type == other.type and (self.index or 0) == (other.index or 0)

    def __hash__(self):
        return hash((self.type, self.index or 0))

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"


CPU = Device("cpu")


def device(spec: "str | Device") -> Device:
    """Parse ``"cpu"``, ``"cuda"`` or ``"cuda:N"`` into a :class:`Device`.

    Args:
        spec: ``"cpu"``, ``"cuda"`` (the current GPU), ``"cuda:N"``, or a :class:`Device`
            (returned as it is).

    Returns:
        The :class:`Device` (parsing needs no GPU, using it does).

    Raises:
        TypeError: ``spec`` is neither a string nor a :class:`Device`.
        ValueError: for an unknown device string or a non-numeric CUDA index.

    Example:
        >>> ft.device("cuda:1")
        device(type='cuda', index=1)
        >>> ft.device("cpu").type
        'cpu'
    """
    if isinstance(spec, Device):
        return spec
    if not isinstance(spec, str):
        raise TypeError(f"device: expected a string such as 'cpu' or 'cuda:0', got {spec!r}")
    kind, _, index = spec.partition(":")
    if kind == "cpu" and not index:
        return CPU
    if kind == "cuda":
        if index and not index.isdigit():
            raise ValueError(f"device: bad CUDA index in {spec!r}; expected 'cuda' or 'cuda:N'")
        return Device("cuda", int(index) if index else None)
    raise ValueError(f"device: expected 'cpu', 'cuda' or 'cuda:N', got {spec!r}")


class Backend:
    """The array module of one device kind plus host/device transfers.

    Args:
        name: ``"numpy"`` or ``"cupy"``.
        xp: the array module (``numpy`` or ``cupy``).

    Example:
        >>> backend = ft.backends.get_backend("cpu"); backend.to_host(backend.xp.ones(2))
        array([1., 1.])
    """

    __slots__ = ("name", "xp")

    def __init__(self, name: str, xp: Any) -> None:
        self.name = name
        self.xp = xp

    def to_host(self, buf: Any) -> np.ndarray:
        """Return a NumPy array holding ``buf``'s values.

        Args:
            buf: an array of this backend's module (a NumPy or CuPy array).

        Returns:
            A NumPy array of ``buf``'s shape and dtype: ``buf`` itself on the CPU, a copy
            from the GPU.

        Example:
            >>> ft.backends.get_backend("cpu").to_host(np.arange(3)).tolist()
            [0, 1, 2]
        """
        return buf if self.xp is np else self.xp.asnumpy(buf)

    def from_host(self, host: Any, dev: Device) -> Any:
        """Copy a NumPy array (or Python data) onto ``dev``.

        Args:
            host: a NumPy array, or anything ``xp.asarray`` takes (lists, scalars).
            dev: the device of this backend's kind to put it on (``cuda:N``: GPU ``N``).

        Returns:
            An array of this backend's module on ``dev`` (on the CPU, ``np.asarray(host)``,
            which copies nothing when ``host`` is already a NumPy array).

        Example:
            >>> ft.backends.get_backend("cpu").from_host([1.0, 2.0], ft.device("cpu"))
            array([1., 2.])
        """
        if self.xp is np:
            return np.asarray(host)
        with self.xp.cuda.Device(dev.index or 0):
            return self.xp.asarray(host)

    def device_of(self, buf: Any) -> Device:
        """The device holding ``buf``.

        Args:
            buf: an array of this backend's module.

        Returns:
            A :class:`Device`: the CPU for NumPy, ``cuda:N`` for a CuPy array on GPU ``N``.

        Example:
            >>> ft.backends.get_backend("cpu").device_of(np.ones(2))
            device(type='cpu')
        """
        if self.xp is np:
            return CPU
        return Device("cuda", buf.device.id)

    def __repr__(self):
        return f"Backend({self.name!r})"


NUMPY = Backend("numpy", np)
_cupy_backend: Backend | None = None
_cupy_error: str | None = None


def _load_cupy() -> Backend:
    global _cupy_backend, _cupy_error
    if _cupy_backend is not None:
        return _cupy_backend
    if _cupy_error is not None:
        raise RuntimeError(_cupy_error)
    try:
        import cupy
    except ImportError:
        _cupy_error = _CUDA_MISSING_CUPY
        raise RuntimeError(_cupy_error) from None
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # the CUDA runtime reports missing drivers in many ways
        _cupy_error = _CUDA_MISSING_GPU.format(reason=exc)
        raise RuntimeError(_cupy_error) from None
    if count == 0:
        _cupy_error = _CUDA_MISSING_GPU.format(reason="0 devices visible")
        raise RuntimeError(_cupy_error)
    from funtorch.backends import cupy_backend

    _cupy_backend = Backend("cupy", cupy)
    cupy_backend.register(cupy)
    return _cupy_backend


def get_backend(spec: "str | Device | None" = None) -> Backend:
    """Return the :class:`Backend` for a device (default CPU).

    Args:
        spec: ``"cpu"``, ``"cuda"``, ``"cuda:N"``, a :class:`Device` or None (the CPU).

    Returns:
        The backend whose array module (``.xp``) runs on that device.

    Raises:
        RuntimeError: ``"cuda"`` without CuPy or without a GPU, saying which.

    Example:
        >>> ft.backends.get_backend("cpu").xp is np
        True
    """
    dev = CPU if spec is None else device(spec)
    if dev.type == "cpu":
        return NUMPY
    return _load_cupy()


def cuda_is_available() -> bool:
    """True when CuPy imports and sees at least one CUDA GPU.

    Returns:
        Whether ``device="cuda"`` can be used.

    Example:
        >>> isinstance(ft.backends.cuda_is_available(), bool)
        True
    """
    try:
        _load_cupy()
    except RuntimeError:
        return False
    return True


_XP_BY_TYPE: dict = {}


def get_backend_of(buf: Any) -> Backend:
    """The backend owning a buffer (NumPy arrays and scalars: the NumPy backend).

    Args:
        buf: a backend buffer (a NumPy or CuPy array, or a scalar).

    Returns:
        The :class:`Backend` whose array module holds ``buf``.

    Example:
        >>> ft.backends.get_backend_of(np.zeros(2)).name
        'numpy'
    """
    if _cupy_backend is not None and type(buf) in _XP_BY_TYPE:
        return _cupy_backend
    return NUMPY


def array_module_of(bufs):
    """The array module of a list of buffers: CuPy if any of them is a CuPy array."""
    for buf in bufs:
        xp = _XP_BY_TYPE.get(type(buf))
        if xp is not None:
            return xp
    return np
