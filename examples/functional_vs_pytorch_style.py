"""One model, two styles: functional (JAX-like) and stateful (PyTorch-like) training agree.

The same ``ft.nn.Module`` is trained twice on the 8x8 digits, from the same initial
weights and on the same mini-batches:

* **PyTorch style**: ``optimizer = ft.optim.Adam(model.parameters())``, then per batch
  ``zero_grad()``, ``loss.backward()``, ``step()``. Parameters are mutable boxes whose
  contents the optimizer replaces.
* **Functional style**: a Module is a pytree whose leaves are its parameter arrays, so
  ``ft.value_and_grad(loss_fn)(model, x, y)`` returns a Module of gradients,
  ``ft.optim.adam`` (``init``/``update``) turns them into updates and
  ``ft.optim.apply_updates`` returns a *new* model. Nothing is mutated.

What this teaches: both styles run on one engine with the same update maths, so the
per-step losses and the final weights are equal to float32 rounding (asserted). Pick the
style per piece of code; a ``state_dict`` moves between them.

Run: ``python examples/functional_vs_pytorch_style.py [--smoke]``.
"""

from __future__ import annotations

import argparse

import numpy as np
from datasets import digits_datasets  # examples/datasets.py, next to this script

import funtorch as ft
import funtorch.nn.functional as F
from funtorch import nn


class MLP(nn.Module):
    """``(N, 64) -> (N, 10)``: Linear, Tanh, Linear."""

    def __init__(self, hidden=32):
        super().__init__()
        self.hidden = nn.Linear(64, hidden)
        self.out = nn.Linear(hidden, 10)

    def forward(self, x):
        return self.out(ft.tanh(self.hidden(x)))


def loss_fn(model, x, y):
    """Mean cross-entropy of ``model`` on a batch (a pure function of the model pytree)."""
    return F.cross_entropy(model(x), y)


def train_pytorch_style(model, batches, lr):
    """``zero_grad`` / ``backward`` / ``step`` on the model's Parameter boxes; return losses."""
    optimizer = ft.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for x, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model, x, y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def train_functional(model, batches, lr):
    """``value_and_grad`` + ``ft.optim.adam``; return ``(new_model, losses)``."""
    optimizer = ft.optim.adam(lr=lr)
    state = optimizer.init(model)
    losses = []
    for x, y in batches:
        loss, grads = ft.value_and_grad(loss_fn)(model, x, y)
        updates, state = optimizer.update(grads, state, model)
        model = ft.optim.apply_updates(model, updates)
        losses.append(loss.item())
    return model, losses


def batches(train_set, batch_size, seed, steps):
    """The first ``steps`` mini-batches of seeded shuffled epochs (identical on every call)."""
    loader = ft.data.DataLoader(train_set, batch_size=batch_size, shuffle=True, seed=seed)
    taken = []
    while len(taken) < steps:
        taken.extend(batch for _, batch in zip(range(steps - len(taken)), loader))
    return taken


def main(argv=None):
    """Train both ways and assert identical trajectories."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200, help="training steps (200)")
    parser.add_argument("--batch-size", type=int, default=64, help="images per step (64)")
    parser.add_argument("--lr", type=float, default=1e-2, help="Adam learning rate (1e-2)")
    parser.add_argument("--seed", type=int, default=0, help="init, split and order seed (0)")
    parser.add_argument("--smoke", action="store_true", help="5 steps, for CI")
    args = parser.parse_args(argv)
    steps = 5 if args.smoke else args.steps
    train_set, test_set = digits_datasets(seed=args.seed)
    ft.manual_seed(args.seed)
    stateful = MLP()
    functional = ft.tree.map(lambda leaf: leaf, stateful)  # same weights, separate boxes
    data = batches(train_set, args.batch_size, args.seed, steps)
    torch_losses = train_pytorch_style(stateful, data, args.lr)
    functional, func_losses = train_functional(functional, data, args.lr)
    for step in range(0, steps, max(steps // 5, 1)):
        print(f"step {step:4d}  PyTorch-style loss {torch_losses[step]:.6f}  "
              f"functional loss {func_losses[step]:.6f}")
    np.testing.assert_allclose(torch_losses, func_losses, rtol=1e-6)  # float32 rounding
    for (name, a), b in zip(stateful.state_dict().items(), functional.state_dict().values()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6, err_msg=name)
    largest = max(abs(a - b) for a, b in zip(torch_losses, func_losses))
    print(f"losses agree over {steps} steps (largest difference {largest:.1e}); "
          "final weights agree")
    x_test, y_test = test_set.tensors
    accuracy = np.mean(np.argmax(functional(x_test).detach().numpy(), axis=1) == y_test.numpy())
    print(f"test accuracy (both models) {accuracy:.3f}")


if __name__ == "__main__":
    main()
