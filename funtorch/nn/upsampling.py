"""Upsample, UpsamplingNearest2d/Bilinear2d, PixelShuffle/PixelUnshuffle, ChannelShuffle,
Fold/Unfold: layers over ``functional/resample.py``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from funtorch.nn import functional as F
from funtorch.nn._stateless import REQUIRED, Option, _Stateless, stateless

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d", "PixelShuffle",
           "PixelUnshuffle", "ChannelShuffle", "Fold", "Unfold"]


def _example(layer: str, shape: str, out: str) -> str:
    return f"\n\nExample:\n    >>> ft.nn.{layer}(ft.ones({shape})).shape\n    {out}"


def _layer(name: str, fn: Callable[..., Any] | None, options: tuple[Option, ...],
           doc: str) -> type[_Stateless]:
    return stateless(name, fn, options, doc, module=__name__)


_SIZE = (("size", None, "size"), ("scale_factor", None, "scale_factor"))

Upsample = _layer("Upsample", F.interpolate, _SIZE + (
    ("mode", "nearest", "mode"), ("align_corners", None, "align_corners"),
    ("recompute_scale_factor", None, "recompute_scale_factor")),
    "Resize ``(N, C, *spatial)`` inputs with :func:`F.interpolate`.\n\nExample:\n"
    "    >>> ft.nn.Upsample(scale_factor=2)(ft.ones((1, 1, 2, 3))).shape\n    (1, 1, 4, 6)\n")
UpsamplingNearest2d = _layer("UpsamplingNearest2d", F.upsample_nearest, _SIZE,
                             "Nearest-neighbour 2-d upsampling."
    + _example("UpsamplingNearest2d(scale_factor=2)", "(1, 1, 2, 3)", "(1, 1, 4, 6)"))
UpsamplingBilinear2d = _layer("UpsamplingBilinear2d", F.upsample_bilinear, _SIZE,
                              "Bilinear 2-d upsampling with ``align_corners=True``."
    + _example("UpsamplingBilinear2d(size=(3, 5))", "(1, 1, 2, 3)", "(1, 1, 3, 5)"))
PixelShuffle = _layer("PixelShuffle", F.pixel_shuffle,
                      (("upscale_factor", REQUIRED, "upscale_factor"),),
                      "``(*, C r^2, H, W) -> (*, C, H r, W r)``."
    + _example("PixelShuffle(2)", "(1, 8, 3, 3)", "(1, 2, 6, 6)"))
PixelUnshuffle = _layer("PixelUnshuffle", F.pixel_unshuffle,
                        (("downscale_factor", REQUIRED, "downscale_factor"),),
                        "``(*, C, H r, W r) -> (*, C r^2, H, W)``."
    + _example("PixelUnshuffle(2)", "(1, 2, 6, 6)", "(1, 8, 3, 3)"))
ChannelShuffle = _layer("ChannelShuffle", F.channel_shuffle, (("groups", REQUIRED, "groups"),),
                        "Interleave ``groups`` groups of channels."
    + _example("ChannelShuffle(2)", "(1, 4, 2, 2)", "(1, 4, 2, 2)"))
_BLOCKS = (("kernel_size", REQUIRED, "kernel_size"), ("dilation", 1, "dilation"),
           ("padding", 0, "padding"), ("stride", 1, "stride"))
Fold = _layer("Fold", F.fold, (("output_size", REQUIRED, "output_size"),) + _BLOCKS,
              "Sum sliding blocks ``(N, C kH kW, L)`` into ``(N, C, *output_size)``."
    + _example("Fold((3, 3), 2)", "(1, 8, 4)", "(1, 2, 3, 3)"))
Unfold = _layer("Unfold", F.unfold, _BLOCKS,
                "Extract sliding blocks: ``(N, C, H, W) -> (N, C kH kW, L)``."
    + _example("Unfold(2)", "(1, 2, 3, 3)", "(1, 8, 4)"))
