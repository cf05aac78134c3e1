"""Layers built through private bases or at import time, schedulers and distributions are
typed: fluent methods keep the class, option-only layers and ft.stats functions resolve."""

import funtorch as ft
from funtorch import nn
from funtorch.typing import Array

x: Array = ft.ones((1, 3, 8, 8))
conv: nn.Conv2d = nn.Conv2d(3, 4, 3, padding="same", padding_mode="reflect").eval()
y: Array = conv(x)
padded: Array = nn.ZeroPad2d(1)(x)
act = nn.Hardtanh(-2.0, 2.0)
drop = nn.Dropout1d(0.1).train(False)
loss: Array = nn.MSELoss(reduction="sum")(y, ft.zeros_like(y))
kl = nn.KLDivLoss(reduction="batchmean")

opt = ft.optim.SGD(conv.parameters(), lr=0.1, momentum=0.9)
step = ft.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
step.step()
lrs: list[float] = step.get_last_lr()
plateau = ft.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", threshold_mode="abs")
plateau.step(loss)
cyclic = ft.optim.lr_scheduler.CyclicLR(opt, 0.01, [0.1], mode="exp_range")

sampler = ft.data.RandomSampler(range(10), generator=None)
order = sampler.resume({"key": [0, 1], "epoch": 0, "pos": 3})
first: int = next(order)

z = ft.array([0.25, 0.5])
logp: Array = ft.stats.norm.logpdf(z, loc=0.0, scale=2.0)
cdf: Array = ft.stats.gamma.cdf(z, 2.0)
mvn: Array = ft.stats.multivariate_normal.logpdf(z, [0.0, 0.0], [1.0, 1.0], allow_singular=True)
b: Array = ft.special.beta(z, 3.0)

import funtorch.nn.functional as F  # noqa: E402

pooled: Array = F.max_pool2d(x, 2)
values, indices = F.max_pool2d(x, 2, return_indices=True)
both: tuple[Array, Array] = F.adaptive_max_pool2d(x, 2, return_indices=True)
