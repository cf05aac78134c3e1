"""An LSTM learns the sign of a running sum, trained with gradient clipping.

The task needs memory: the inputs are ``T`` random numbers ``x_1 .. x_T`` and the target
at every step ``t`` is whether ``x_1 + ... + x_t > 0``. A model that sees only the
current input cannot beat about 60%; an LSTM that carries the sum in its cell state
gets close to 100%.

What this teaches:

* ``ft.nn.LSTM(input_size, hidden_size, batch_first=True)`` returning
  ``(output, (h_n, c_n))``, followed by a ``Linear`` head applied at every time step;
* ``ft.nn.BCEWithLogitsLoss`` on a ``(batch, T)`` target;
* ``ft.nn.utils.clip_grad_norm_(model.parameters(), max_norm)`` between
  ``loss.backward()`` and ``optimizer.step()``: it rescales all gradients together so
  their global norm is at most ``max_norm``, and returns the norm before clipping
  (recurrent networks' gradients can spike; clipping keeps one bad batch from
  wrecking the weights);
* fresh synthetic batches drawn from explicit ``ft.random`` keys, so a run is reproducible.

Run: ``python examples/lstm_sequence.py [--smoke]``.
"""

from __future__ import annotations

import argparse

import numpy as np

import funtorch as ft
from funtorch import nn


def make_batch(key, batch_size, length):
    """Return ``(x, y)``: inputs ``(batch, T, 1)`` and running-sum signs ``(batch, T)`` as 0/1."""
    x = ft.random.normal(key, (batch_size, length, 1))
    y = (ft.cumsum(x[..., 0], axis=1) > 0).astype(ft.float32)
    return x, y


class RunningSign(nn.Module):
    """``(batch, T, 1)`` -> ``(batch, T)`` logits: an LSTM and a per-step linear head."""

    def __init__(self, hidden_size=32):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x):
        output, _ = self.lstm(x)  # (batch, T, hidden)
        return self.head(output).squeeze(-1)


def train(model, steps, batch_size, length, lr, max_norm, seed):
    """Train on fresh batches; return the list of gradient norms before clipping."""
    criterion = nn.BCEWithLogitsLoss()
    optimizer = ft.optim.Adam(model.parameters(), lr=lr)
    base = ft.random.key(seed)
    norms = []
    for step in range(1, steps + 1):
        x, y = make_batch(ft.random.fold_in(base, step), batch_size, length)
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        norms.append(float(nn.utils.clip_grad_norm_(model.parameters(), max_norm)))
        optimizer.step()
        if step % max(steps // 10, 1) == 0:
            print(f"step {step:4d}  loss {loss.item():.4f}  grad norm {norms[-1]:.3f}")
    return norms


def evaluate(model, length, seed):
    """Return the per-step accuracy on 1000 held-out sequences."""
    x, y = make_batch(ft.random.key(seed + 10_000), 1000, length)
    model.eval()
    with ft.no_grad():
        predicted = model(x).numpy() > 0
    return float(np.mean(predicted == (y.numpy() > 0.5)))


def main(argv=None):
    """Train the LSTM and print the held-out accuracy."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300, help="training steps (300)")
    parser.add_argument("--batch-size", type=int, default=64, help="sequences per step (64)")
    parser.add_argument("--length", type=int, default=20, help="sequence length T (20)")
    parser.add_argument("--lr", type=float, default=1e-2, help="Adam learning rate (1e-2)")
    parser.add_argument("--max-norm", type=float, default=1.0, help="gradient clip norm (1.0)")
    parser.add_argument("--seed", type=int, default=0, help="init and data seed (0)")
    parser.add_argument("--smoke", action="store_true", help="5 steps, for CI")
    args = parser.parse_args(argv)
    steps = 5 if args.smoke else args.steps
    ft.manual_seed(args.seed)  # the layers' initial weights
    model = RunningSign()
    norms = train(model, steps, args.batch_size, args.length, args.lr, args.max_norm, args.seed)
    clipped = sum(norm > args.max_norm for norm in norms)
    print(f"clip_grad_norm_ rescaled {clipped} of {len(norms)} steps (max norm {args.max_norm})")
    print(f"held-out per-step accuracy {evaluate(model, args.length, args.seed):.3f}")


if __name__ == "__main__":
    main()
