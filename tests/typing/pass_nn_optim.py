"""A training step written against the typed nn, optim, data, random and tree APIs."""

import funtorch as ft
import funtorch.nn.functional as F
from funtorch import nn
from funtorch.typing import Array, Key, PyTree

key: Key = ft.random.key(0)
k1, k2 = ft.random.split(key)
x: Array = ft.random.normal(k1, (8, 3))
y: Array = ft.random.uniform(k2, (8, 1))

model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
params: dict[str, PyTree] = dict(model.named_parameters())
opt = ft.optim.adam(1e-3)
state = opt.init(params)


def loss_fn(p: dict[str, PyTree], x: Array, y: Array) -> Array:
    out: Array = nn.functional_call(model, p, (x,))
    return F.mse_loss(out, y)


grads = ft.grad(loss_fn)(params, x, y)
updates, state = opt.update(grads, state, params)
params = ft.optim.apply_updates(params, updates)
leaves: list[object] = ft.tree.leaves(params)
scaled = ft.tree.map(lambda a: a * 2, params)

loader = ft.data.DataLoader(ft.data.TensorDataset(x, y), batch_size=4, shuffle=True)
torch_opt = ft.optim.SGD(model.parameters(), lr=0.1)
for xb, yb in loader:
    torch_opt.zero_grad()
    loss = F.mse_loss(model(xb), yb)
    loss.backward()
    torch_opt.step()
