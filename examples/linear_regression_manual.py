"""Linear regression with hand-written gradient descent: ``backward()``, ``.grad`` and ``no_grad``.

What this teaches:

* the PyTorch-style training loop with no library help: forward, ``loss.backward()``,
  read ``w.grad``, update the weights inside ``with ft.no_grad():`` (so the update is not
  recorded in the graph), then reset the gradients (``w.grad = None``);
* funtorch arrays are immutable, so the update cannot write into ``w`` in place as
  ``w -= lr * w.grad`` does in PyTorch. Two ways to write it:

  1. rebind the name to a new leaf: ``w = (w - lr * w.grad).requires_grad_()``;
  2. keep the weights in ``ft.nn.Parameter`` boxes and replace their contents:
     ``w.data = w - lr * w.grad`` (this is what ``ft.optim.SGD.step()`` does).

  Both give exactly the same numbers.

The data are synthetic: ``y = X @ [2, -3.4, 1.7] + 4.2 + noise``.
Run: ``python examples/linear_regression_manual.py [--smoke]``.
"""

from __future__ import annotations

import argparse

import numpy as np

import funtorch as ft

TRUE_W, TRUE_B = np.array([2.0, -3.4, 1.7], dtype=np.float32), 4.2


def make_data(n, seed):
    """Return ``(x, y)``: ``n`` rows of 3 standard-normal features and noisy linear targets."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = (x @ TRUE_W + TRUE_B + rng.normal(0.0, 0.01, size=n)).astype(np.float32)
    return ft.tensor(x), ft.tensor(y)


def mse(w, b, x, y):
    """Mean squared error of the linear model ``x @ w + b``."""
    return ((x @ w + b - y) ** 2).mean()


def fit_rebinding(x, y, steps, lr):
    """Gradient descent on plain tensors: each update rebinds ``w`` and ``b`` to new leaves."""
    w = ft.zeros(3).requires_grad_()
    b = ft.zeros(()).requires_grad_()
    losses = []
    for _ in range(steps):
        loss = mse(w, b, x, y)
        loss.backward()
        with ft.no_grad():
            w = (w - lr * w.grad).requires_grad_()  # a new leaf: its .grad starts empty
            b = (b - lr * b.grad).requires_grad_()
        losses.append(loss.item())
    return w, b, losses


def fit_parameters(x, y, steps, lr):
    """The same descent with ``ft.nn.Parameter`` boxes whose contents are replaced."""
    w, b = ft.nn.Parameter(ft.zeros(3)), ft.nn.Parameter(ft.zeros(()))
    losses = []
    for _ in range(steps):
        loss = mse(w, b, x, y)
        loss.backward()
        with ft.no_grad():
            for param in (w, b):
                param.data = param - lr * param.grad
                param.grad = None  # as optimizer.zero_grad() would
        losses.append(loss.item())
    return w, b, losses


def main(argv=None):
    """Fit both ways, print the recovered weights and check the two runs agree."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200, help="gradient steps (200)")
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate (0.1)")
    parser.add_argument("--seed", type=int, default=0, help="data seed (0)")
    parser.add_argument("--smoke", action="store_true", help="20 steps, for CI")
    args = parser.parse_args(argv)
    steps = 20 if args.smoke else args.steps
    x, y = make_data(1000, args.seed)
    w, b, losses = fit_rebinding(x, y, steps, args.lr)
    w2, b2, losses2 = fit_parameters(x, y, steps, args.lr)
    np.testing.assert_allclose(losses, losses2, rtol=1e-6)
    for step in range(0, steps, max(steps // 5, 1)):
        print(f"step {step:4d}  mse {losses[step]:.6f}")
    print(f"learned w = {np.round(w.detach().numpy(), 3)} (true {TRUE_W}), "
          f"b = {b.item():.3f} (true {TRUE_B})")
    print(f"Parameter boxes give the same fit: w = {np.round(w2.detach().numpy(), 3)}, b = {b2.item():.3f}")
    if not args.smoke:
        np.testing.assert_allclose(w.detach().numpy(), TRUE_W, atol=0.01)
    print(f"final mse {losses[-1]:.6f}")


if __name__ == "__main__":
    main()
