"""``device_put``: copy an array to another device, differentiably (the VJP copies back)."""

from __future__ import annotations

from typing import Any

from funtorch import backends
from funtorch.core import Primitive, bind
from funtorch.ops import registry as R
from funtorch.typing import Array, ArrayLike


def _transfer(xp, x, device):
    target = backends.get_backend(device)
    if target.xp is xp and (target.xp.__name__ == "numpy" or x.device.id == (device.index or 0)):
        return x
    return target.from_host(backends.get_backend_of(x).to_host(x), device)


def _device_put_vjp(g, ans, x, device):
    return device_put(g, x.device)


device_put_p = Primitive(
    "device_put", _transfer, shape=lambda x, device: (x.shape, x.dtype),
    vjp=(_device_put_vjp,), jvp=(lambda t, ans, x, device: device_put(t, device),),
    batch=lambda args, bdims, device: (bind(device_put_p, args[0], device=device), bdims[0]),
    samples=lambda s: ((s.array((2, 3)),), {"device": backends.device("cpu")}), torch_name="To",
    complex=True)


def device_put(x: ArrayLike, device: Any) -> Array:
    """Copy ``x`` to ``device`` ("cpu", "cuda", "cuda:N"); a no-op when already there.

    Args:
        x: an array (or anything ``ft.asarray`` takes).
        device: ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or a ``Device``.

    Returns:
        ``x`` on ``device`` (the same array when it is already there).

    Raises:
        RuntimeError: for "cuda" without CuPy or a GPU (the message says which).

    Example:
        >>> ft.device_put(ft.ones(2), "cpu").device
        device(type='cpu')
    """
    x = R.as_array(x)
    device = backends.device(device)
    backends.get_backend(device)  # raises the clear error when CUDA is unavailable
    if x.device == device:
        return x
    return bind(device_put_p, x, device=device)
