"""Wrong argument types to typed nn/optim/random APIs."""

import funtorch as ft
from funtorch import nn

nn.Linear("3", 4)  # E: arg-type
ft.random.normal(ft.random.key(0), (2,), dtype=3.5)  # E: arg-type
ft.optim.adam(lr="fast")  # E: arg-type
ft.tree.leaves(1, is_leaf=3)  # E: arg-type
n: str = ft.ones((2,)).ndim  # E: assignment
