"""Mistakes the annotations catch."""

import funtorch as ft
from funtorch.typing import Array


def loss(w: Array, x: Array) -> Array:
    return ft.sum(w * x)


w = ft.ones((3,))
ft.grad(loss)(w)  # E: call-arg
ft.jit(loss)(w, "x")  # E: arg-type
shape: tuple[str, ...] = w.shape  # E: assignment
ft.grad(loss, has_aux=True)  # E: call-overload
ft.vmap(loss)(w, w, w)  # E: call-arg
ft.no_such_function(w)  # E: operator
w + "one"  # E: operator
