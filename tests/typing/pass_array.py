"""Array operators, properties and common methods are typed."""

import numpy as np

import funtorch as ft
from funtorch.typing import Array, ArrayLike, DTypeLike, Key, Shape


def scale(x: ArrayLike, dtype: DTypeLike = None) -> Array:
    return ft.asarray(x) * 2.0


a: Array = ft.array([[1.0, 2.0], [3.0, 4.0]])
shape: Shape = a.shape
ndim: int = a.ndim
dt: np.dtype = a.dtype
b: Array = -a + 1 - a * a / 2.0 @ a ** 2
c: Array = 2.0 * a < a
mean: Array = a.mean()
host: np.ndarray = a.numpy()
first: Array = a[0]
rows = [row for row in a]
n: float = float(a.sum())
key: Key = ft.random.key(0)
s = scale([1, 2, 3])
# NumPy and torch spellings of the same name both type-check (the dual functions)
m1: Array = ft.mean(a, axis=0, keepdims=True)
m2: Array = ft.mean(a, dim=0, keepdim=True)
total: Array = ft.sum(a, dim=1)
