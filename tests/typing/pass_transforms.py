"""Transforms keep the argument list (ParamSpec) and type their results."""

import funtorch as ft
from funtorch.typing import Array, PyTree


def loss(w: Array, x: Array) -> Array:
    return ft.sum((x @ w) ** 2)


def loss_aux(w: Array) -> tuple[Array, str]:
    return ft.sum(w * w), "aux"


w = ft.ones((3,))
x = ft.ones((2, 3))
g: PyTree = ft.grad(loss)(w, x)
value, grads = ft.value_and_grad(loss, argnums=(0, 1))(w, x)
g_aux, note = ft.grad(loss_aux, has_aux=True)(w)
label: str = note
fast = ft.jit(loss)
out: Array = fast(w, x)
batched = ft.vmap(loss, in_axes=(None, 0))(w, x)
primal, tangent = ft.jvp(loss, (w, x), (w, x))
y, pullback = ft.vjp(loss, w, x)
jac = ft.jacrev(loss)(w, x)
hess = ft.hessian(loss)(w, x)


def step(carry: Array, x: Array) -> tuple[Array, Array]:
    return carry + x, carry * x


final, ys = ft.scan(step, ft.zeros(()), ft.ones((4,)))
carry_out: Array = final
count: Array = ft.fori_loop(0, 3, lambda i, v: v + 1.0, ft.zeros(()))
branch: Array = ft.cond(True, lambda v: v + 1.0, lambda v: v - 1.0, w)
looped: Array = ft.while_loop(lambda v: v.sum() < 10.0, lambda v: v * 2.0, w)


@ft.custom_vjp
def clipped(v: Array) -> Array:
    return v


clipped.defvjp(lambda v: (v, None), lambda res, g: (ft.clip(g, -1.0, 1.0),))
kept: Array = clipped(w)
remat = ft.checkpoint(loss)
again: Array = remat(w, x)
