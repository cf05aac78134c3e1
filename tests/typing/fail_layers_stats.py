"""Option strings, missing distribution functions and wrong arguments the annotations catch."""

import funtorch as ft
from funtorch import nn

nn.MSELoss(reduction="avg")  # E: arg-type
nn.Conv2d(3, 4, 3, padding_mode="zero")  # E: arg-type
nn.ConvTranspose2d(3, 4, 3, padding="same")  # E: arg-type
opt = ft.optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1)
ft.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="minimum")  # E: arg-type
ft.optim.lr_scheduler.StepLR(opt, step_size="3")  # E: arg-type
ft.stats.laplace.logcdf(0.5)  # E: attr-defined
ft.stats.norm.pdf(0.5, shape=3)  # E: call-arg
square = ft.ones((1, 1, 4, 4))
pooled: ft.Array = ft.nn.functional.max_pool2d(square, 2, return_indices=True)  # E: assignment
