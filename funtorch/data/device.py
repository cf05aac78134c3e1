"""Moving batches to a device: CuPy pinned host memory plus a background copy on a side stream.

On a machine without CuPy or a GPU the CUDA requests (``DataLoader(pin_memory=True)``,
``Pipeline.to("cuda")``) warn once, when they are made, and change nothing.
"""

from __future__ import annotations

import warnings

import numpy as np

import funtorch as ft

PIN_MEMORY_WARNING = ("DataLoader: pin_memory=True is ignored because CUDA is not available "
                      "({reason}); batches stay in host memory. Pass pin_memory=False to "
                      "silence this warning.")
TO_DEVICE_WARNING = ("Pipeline.to({device!r}) is a no-op because CUDA is not available "
                     "({reason}); elements stay on the CPU.")


def cuda_unavailable_reason() -> str | None:
    """None when CUDA can be used, else why not (the backend's own message)."""
    if ft.cuda.is_available():
        return None
    try:
        ft.backends.get_backend("cuda")
    except RuntimeError as exc:
        return str(exc).rstrip(".")
    return "no CUDA device"


def cuda_target(spec, warning, **fields):
    """``spec`` as an ``ft.device`` when it is a usable CUDA device, else None.

    A CUDA device on a machine without CUDA emits ``warning`` (formatted with ``reason`` and
    ``fields``) once and gives None; CPU devices give None silently.
    """
    device = ft.device(spec)
    if device.type != "cuda":
        return None
    reason = cuda_unavailable_reason()
    if reason is not None:
        warnings.warn(warning.format(reason=reason, **fields), UserWarning, stacklevel=3)
        return None
    return device


def to_device(tree, device):
    """Copy every funtorch array in ``tree`` to ``device`` (other leaves are kept)."""
    device = ft.device(device)
    return ft.tree.map(lambda leaf: ft.device_put(leaf, device)
                       if isinstance(leaf, ft.Array) and leaf.device != device else leaf, tree)


class _Staged:
    """A device buffer whose copy from ``pinned`` host memory may still be in flight."""

    __slots__ = ("buf", "pinned")

    def __init__(self, buf, pinned):
        self.buf = buf
        self.pinned = pinned


class PinnedCopier:
    """Copies host arrays to one CUDA device through pinned memory on its own stream.

    Call it from a single background thread: the host-to-device copy of batch ``n + 1``
    then overlaps the computation on batch ``n`` in the main thread.
    """

    def __init__(self, device):
        self.device = device
        self._stream = None

    def _stage(self, leaf):
        import cupy
        import cupyx

        if not isinstance(leaf, ft.Array) or leaf.device == self.device:
            return leaf
        if leaf.device.type != "cpu":
            return ft.device_put(leaf, self.device)
        host = np.asarray(leaf)
        pinned = cupyx.empty_pinned(host.shape, host.dtype)
        pinned[...] = host
        buf = cupy.empty(host.shape, host.dtype)
        buf.set(pinned, stream=self._stream)
        return _Staged(buf, pinned)

    def _wrap(self, leaf):
        return ft.array(leaf.buf, device=self.device) if isinstance(leaf, _Staged) else leaf

    def __call__(self, tree):
        import cupy

        with cupy.cuda.Device(self.device.index or 0):
            if self._stream is None:
                self._stream = cupy.cuda.Stream(non_blocking=True)
            staged = ft.tree.map(self._stage, tree)
            self._stream.synchronize()  # the pinned buffers may be freed after this
            return ft.tree.map(self._wrap, staged)
