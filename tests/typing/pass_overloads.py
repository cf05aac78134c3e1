"""Return types that depend on an argument: ``has_aux`` pairs, ``dim=`` named tuples
(values, indices), pools' ``return_indices``, and the transforms keeping signatures."""

from collections.abc import Callable

import funtorch as ft
from funtorch.typing import Array, PyTree, ValuesIndices


def loss(w: Array, x: Array) -> Array:
    return ft.sum((x * w) ** 2)


def loss_aux(w: Array, x: Array) -> tuple[Array, dict[str, Array]]:
    value = ft.sum((x * w) ** 2)
    return value, {"value": value}


w, x = ft.ones((3,)), ft.ones((3,))
grads_aux: tuple[PyTree, dict[str, Array]] = ft.grad(loss_aux, has_aux=True)(w, x)
(value, aux), grads = ft.value_and_grad(loss_aux, has_aux=True)(w, x)
aux_value: Array = aux["value"]
plain_value: Array = ft.value_and_grad(loss)(w, x)[0]
out, pullback, extra = ft.vjp(loss_aux, w, x, has_aux=True)
aux_dict: dict[str, Array] = extra
out_plain, pullback_plain = ft.vjp(loss, w, x)

m = ft.ones((2, 3))
whole: Array = ft.max(m)
pair: ValuesIndices = ft.max(m, dim=1)
best, where = ft.min(m, dim=0, keepdim=True)
where_int: Array = where
per_row: Array = ft.median(m, dim=1).values
sorted_pair: ValuesIndices = ft.sort(m, dim=1, descending=True)
top: Array = ft.topk(m, 2).indices
kth: ValuesIndices = ft.kthvalue(m, 1, 1)
running: Array = ft.cummax(m, 1).values
method_whole: Array = m.max()
method_pair: ValuesIndices = m.max(1)
method_indices: Array = m.min(dim=0).indices

image = ft.ones((1, 1, 4, 4))
pooled, argmax = ft.nn.functional.max_pool2d(image, 2, return_indices=True)
argmax_array: Array = argmax
pooled_only: Array = ft.nn.functional.max_pool1d(ft.ones((1, 1, 4)), 2)
adaptive, adaptive_idx = ft.nn.functional.adaptive_max_pool1d(ft.ones((1, 1, 4)), 2,
                                                                 return_indices=True)

jitted: Callable[[Array, Array], Array] = ft.jit(loss)
checkpointed: Callable[[Array, Array], Array] = ft.checkpoint(loss, static_argnums=())
method_sorted: ValuesIndices = m.sort(1, descending=True)
method_median: Array = m.median()
method_top: Array = m.topk(2).values
method_running: ValuesIndices = m.cummin(0)


@ft.custom_jvp
def softplus(v: Array) -> Array:
    return ft.log1p(ft.exp(v))


smooth: Array = softplus(w)
