"""``fractional_max_pool2d``/``3d``: max over pseudo-random windows (Graham, 2014), with
torch's interval rule, so given the same ``_random_samples`` the outputs and indices equal
torch's. Every window is gathered with one index table built from the samples (traced
arrays are fine: the starts are computed with array ops), then one ``max``."""

from __future__ import annotations

from typing import Any, Literal, overload

import funtorch as ft
from funtorch.nn.functional.conv import batched, ntuple
from funtorch.nn.functional.pooling import _Size
from funtorch.typing import Array, ArrayLike, Key, ShapeLike

__all__ = ["fractional_max_pool2d", "fractional_max_pool3d",
           "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices"]


def _starts(sample, length, out, kernel):
    """torch's ``generate_intervals``: ``(N, C, out)`` window starts along one axis."""
    if out == 1:
        return ft.full(tuple(sample.shape) + (1,), length - kernel, dtype=ft.int64,
                       device=sample.device)
    alpha = (length - kernel) / (out - 1)
    i = ft.arange(out - 1, device=sample.device).astype(sample.dtype)
    inner = (ft.floor((i + sample[..., None]) * alpha)
             - ft.floor(sample[..., None] * alpha)).astype(ft.int64)
    last = ft.full(tuple(sample.shape) + (1,), length - kernel, dtype=ft.int64,
                   device=sample.device)
    return ft.concatenate([inner, last], axis=-1)


def _fractional(input, kernel_size, output_size, output_ratio, return_indices, samples, nd,
                key, fn):
    x, unbatched = batched(input, nd, fn)
    spatial = tuple(x.shape[2:])
    kernel = ntuple(kernel_size, nd, "kernel_size", fn)
    if output_size is None:
        if output_ratio is None:
            raise ValueError(f"{fn} requires specifying either an output_size or an "
                             "output_ratio")
        ratio = output_ratio if isinstance(output_ratio, (tuple, list)) else (
            output_ratio,) * nd
        output_size = tuple(int(n * r) for n, r in zip(spatial, ratio))
    sizes = ntuple(output_size, nd, "output_size", fn)
    if any(o + k - 1 > n for o, k, n in zip(sizes, kernel, spatial)):
        raise ValueError(f"{fn}: output size {sizes} plus kernel {kernel} - 1 is too large "
                         f"for input size {spatial}")
    shape = tuple(x.shape[:2]) + (nd,)
    if samples is None:
        samples = (ft.random.uniform(key, shape, dtype=x.dtype) if key is not None
                   else ft.rand(*shape, device=x.device).astype(x.dtype))
    plane_strides = [1] * nd
    for a in range(nd - 2, -1, -1):
        plane_strides[a] = plane_strides[a + 1] * spatial[a + 1]
    # torch draws the samples W-first for 2-d (sample 0 -> width), T, H, W for 3-d
    order = (1, 0) if nd == 2 else (0, 1, 2)
    flat = 0
    for a in range(nd):
        start = _starts(samples[..., order[a]], spatial[a], sizes[a], kernel[a])
        pos = start[..., None] + ft.arange(kernel[a], device=x.device)  # (N, C, out_a, k_a)
        view = [1] * (2 * nd)
        view[a], view[nd + a] = sizes[a], kernel[a]
        flat = flat + ft.reshape(pos * plane_strides[a], tuple(x.shape[:2]) + tuple(view))
    flat = ft.reshape(flat, tuple(x.shape[:2]) + tuple(sizes) + (-1,))
    plane = ft.reshape(x, tuple(x.shape[:2]) + (-1,))
    cols = ft.reshape(ft.take_along_axis(plane, ft.reshape(flat, tuple(x.shape[:2]) + (-1,)),
                                         axis=2), tuple(flat.shape))
    out = ft.max(cols, axis=-1)
    if not return_indices:
        return out[0] if unbatched else out
    first = ft.argmax(ft.stop_gradient(cols), axis=-1)
    indices = ft.squeeze(ft.take_along_axis(flat, first[..., None], axis=-1), -1)
    return (out[0], indices[0]) if unbatched else (out, indices)


@overload
def fractional_max_pool2d(input: ArrayLike, kernel_size: _Size, output_size: ShapeLike | None = ...,
                          output_ratio: float | tuple[float, ...] | None = ...,
                          return_indices: Literal[False] = ...,
                          _random_samples: ArrayLike | None = ...,
                          key: Key | None = ...) -> Array: ...
@overload
def fractional_max_pool2d(input: ArrayLike, kernel_size: _Size, output_size: ShapeLike | None = ...,
                          output_ratio: float | tuple[float, ...] | None = ..., *,
                          return_indices: Literal[True], _random_samples: ArrayLike | None = ...,
                          key: Key | None = ...) -> tuple[Array, Array]: ...
@overload
def fractional_max_pool2d(input: ArrayLike, kernel_size: _Size, output_size: ShapeLike | None = ...,
                          output_ratio: float | tuple[float, ...] | None = ...,
                          return_indices: bool = ..., _random_samples: ArrayLike | None = ...,
                          key: Key | None = ...) -> Any: ...


def fractional_max_pool2d(input: ArrayLike, kernel_size: int | tuple[int, ...],
                          output_size: ShapeLike | None = None,
                          output_ratio: float | tuple[float, ...] | None = None,
                          return_indices: bool = False, _random_samples: ArrayLike | None = None,
                          key: Key | None = None) -> Any:
    """Fractional max pooling (Graham, 2014) of ``(N, C, H, W)`` inputs to ``(N, C, H_out, W_out)``.

    The ``kH x kW`` windows start at pseudo-random, increasing positions (torch's interval
    rule) so that ``output_size`` need not divide the input; ``_random_samples`` in [0, 1)
    fix them (else they are drawn from ``key`` or the global generator).

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size: the window size, an int or ``(kH, kW)``.
        output_size: ``(H_out, W_out)`` or an int for both.
        output_ratio: instead of ``output_size``: ``H_out = int(H * ratio)`` (a float or one
            per axis).
        return_indices: also return the flat ``H * W`` index of each maximum.
        _random_samples: ``(N, C, 2)`` samples in [0, 1) (torch's layout: width first).
        key: a ``ft.random`` key for the samples; None uses the global generator.

    Returns:
        ``(N, C, H_out, W_out)`` of ``input``'s dtype; with ``return_indices``, a pair
        ``(output, indices)`` with int64 indices of the same shape.

    Raises:
        ValueError: neither ``output_size`` nor ``output_ratio``, an output too large for
            the kernel (``H_out + kH - 1 > H``), or an input neither 3-d nor 4-d.

    Example:
        >>> F.fractional_max_pool2d(ft.randn(1, 2, 7, 7), 2, output_size=3).shape
        (1, 2, 3, 3)
    """
    return _fractional(input, kernel_size, output_size, output_ratio, return_indices,
                       _random_samples, 2, key, "fractional_max_pool2d")


@overload
def fractional_max_pool3d(input: ArrayLike, kernel_size: _Size, output_size: ShapeLike | None = ...,
                          output_ratio: float | tuple[float, ...] | None = ...,
                          return_indices: Literal[False] = ...,
                          _random_samples: ArrayLike | None = ...,
                          key: Key | None = ...) -> Array: ...
@overload
def fractional_max_pool3d(input: ArrayLike, kernel_size: _Size, output_size: ShapeLike | None = ...,
                          output_ratio: float | tuple[float, ...] | None = ..., *,
                          return_indices: Literal[True], _random_samples: ArrayLike | None = ...,
                          key: Key | None = ...) -> tuple[Array, Array]: ...
@overload
def fractional_max_pool3d(input: ArrayLike, kernel_size: _Size, output_size: ShapeLike | None = ...,
                          output_ratio: float | tuple[float, ...] | None = ...,
                          return_indices: bool = ..., _random_samples: ArrayLike | None = ...,
                          key: Key | None = ...) -> Any: ...


def fractional_max_pool3d(input: ArrayLike, kernel_size: int | tuple[int, ...],
                          output_size: ShapeLike | None = None,
                          output_ratio: float | tuple[float, ...] | None = None,
                          return_indices: bool = False, _random_samples: ArrayLike | None = None,
                          key: Key | None = None) -> Any:
    """Fractional max pooling of volumes: ``(N, C, T, H, W) -> (N, C, T_out, H_out, W_out)``.

    As :func:`fractional_max_pool2d`, with one pseudo-random window sequence per axis.

    Args:
        input: ``(N, C, T, H, W)`` or ``(C, T, H, W)``.
        kernel_size: an int or ``(kT, kH, kW)``.
        output_size: ``(T_out, H_out, W_out)``, or an int for all three.
        output_ratio: used when ``output_size`` is None: each output size is
            ``int(size * ratio)``.
        return_indices: return ``(output, indices)``, the indices flat over ``T * H * W``.
        _random_samples: ``(N, C, 3)`` values in [0, 1) that fix the windows.
        key: explicit randomness (``ft.random.key``), or None for the global generator.

    Returns:
        The pooled ``(N, C, T_out, H_out, W_out)`` array (and int64 indices of that shape
        when ``return_indices``).

    Raises:
        ValueError: no ``output_size`` and no ``output_ratio``; an output size plus the kernel
            size minus one larger than the input; an input that is not 4-d or 5-d.

    Example:
        >>> F.fractional_max_pool3d(ft.randn(1, 1, 5, 5, 5), 2, output_ratio=0.5).shape
        (1, 1, 2, 2, 2)
    """
    return _fractional(input, kernel_size, output_size, output_ratio, return_indices,
                       _random_samples, 3, key, "fractional_max_pool3d")


def fractional_max_pool2d_with_indices(input: ArrayLike, kernel_size: int | tuple[int, ...],
                                       output_size: ShapeLike | None = None,
                                       output_ratio: float | tuple[float, ...] | None = None,
                                       return_indices: bool = True,
                                       _random_samples: ArrayLike | None = None,
                                       key: Key | None = None) -> tuple[Array, Array]:
    """:func:`fractional_max_pool2d` returning ``(out, indices)``.

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size: the window size, an int or ``(kH, kW)``.
        output_size: ``(H_out, W_out)`` or an int.
        output_ratio: the output size as a fraction of the input's, when ``output_size`` is None.
        return_indices: ignored: the indices are always returned.
        _random_samples: ``(N, C, 2)`` samples in [0, 1) fixing the windows.
        key: a ``ft.random`` key for the samples; None uses the global generator.

    Returns:
        ``(out, indices)``: ``(N, C, H_out, W_out)`` maxima and their int64 flat indices
        into each ``H x W`` plane.

    Example:
        >>> out, idx = F.fractional_max_pool2d_with_indices(ft.randn(1, 1, 5, 5), 2, output_size=3)
        >>> out.shape, idx.shape
        ((1, 1, 3, 3), (1, 1, 3, 3))
    """
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True,
                                 _random_samples, key)


def fractional_max_pool3d_with_indices(input: ArrayLike, kernel_size: int | tuple[int, ...],
                                       output_size: ShapeLike | None = None,
                                       output_ratio: float | tuple[float, ...] | None = None,
                                       return_indices: bool = True,
                                       _random_samples: ArrayLike | None = None,
                                       key: Key | None = None) -> tuple[Array, Array]:
    """:func:`fractional_max_pool3d` returning ``(out, indices)``.

    Args:
        input: ``(N, C, T, H, W)`` or ``(C, T, H, W)``.
        kernel_size: an int or ``(kT, kH, kW)``.
        output_size: ``(T_out, H_out, W_out)`` or an int.
        output_ratio: a fraction of the input size, used when ``output_size`` is None.
        return_indices: ignored (always True).
        _random_samples: ``(N, C, 3)`` values in [0, 1).
        key: explicit randomness, or None for the global generator.

    Returns:
        A pair: the ``(N, C, T_out, H_out, W_out)`` maxima and, of the same shape, their int64
        positions flattened over ``T * H * W``.

    Example:
        >>> x = ft.randn(1, 1, 5, 5, 5)
        >>> out, idx = F.fractional_max_pool3d_with_indices(x, 2, output_size=3)
        >>> out.shape, idx.shape
        ((1, 1, 3, 3, 3), (1, 1, 3, 3, 3))
    """
    return fractional_max_pool3d(input, kernel_size, output_size, output_ratio, True,
                                 _random_samples, key)
