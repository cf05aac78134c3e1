"""Misuses the overloads catch: the pair where an array is expected and back."""

import funtorch as ft
from funtorch.typing import Array, ValuesIndices


def loss(w: Array) -> Array:
    return ft.sum(w * w)


def loss_aux(w: Array) -> tuple[Array, str]:
    return ft.sum(w * w), "aux"


w = ft.ones((3,))
m = ft.ones((2, 3))
values: Array = ft.max(m, dim=1)  # E: assignment
pair: ValuesIndices = ft.max(m)  # E: assignment
method: Array = m.min(0)  # E: assignment
note: int = ft.grad(loss_aux, has_aux=True)(w)[1]  # E: assignment
ft.value_and_grad(loss)(w, w)  # E: call-arg
ft.jit(loss)("w")  # E: arg-type
ft.checkpoint(loss)(w, w)  # E: call-arg
pooled: Array = ft.nn.functional.adaptive_max_pool2d(m, 2, return_indices=True)  # E: assignment
count: Array = ft.fori_loop(0, 3, lambda i, v: v + 1, 0)  # E: assignment
m.topk("2")  # E: arg-type
