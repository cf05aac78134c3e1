"""A small CNN on the 8x8 digits, written exactly as PyTorch code would be.

What this teaches:

* subclass ``ft.nn.Module``: call ``super().__init__()``, assign layers
  (``Conv2d``, ``MaxPool2d``, ``Linear``, ``Dropout``) in ``__init__``, define ``forward``;
* the PyTorch training loop: ``optimizer.zero_grad()``, ``loss = criterion(model(x), y)``,
  ``loss.backward()``, ``optimizer.step()``, with ``ft.optim.Adam(model.parameters())``
  and a ``DataLoader`` over ``(N, 1, 8, 8)`` images;
* ``model.train()`` / ``model.eval()`` (dropout on / off) and ``ft.no_grad()`` for evaluation;
* checkpointing: ``ft.save(model.state_dict(), path)`` then
  ``new_model.load_state_dict(ft.load(path))`` gives a model with identical outputs
  (the file is written under ``examples/out/``; loading never runs code, there is no pickle).

Run: ``python examples/pytorch_style_cnn.py [--smoke]`` (about 97% test accuracy).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from datasets import digits_datasets  # examples/datasets.py, next to this script

import funtorch as ft
from funtorch import nn

DEFAULT_OUT = Path(__file__).resolve().parent / "out"


class DigitsCNN(nn.Module):
    """``(N, 1, 8, 8)`` images -> ``(N, 10)`` logits: two conv/pool blocks and a classifier."""

    def __init__(self, channels=16, dropout=0.2):
        super().__init__()
        self.conv1 = nn.Conv2d(1, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, 2 * channels, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(2 * channels * 2 * 2, 10)

    def forward(self, x):
        x = self.pool(ft.nn.functional.relu(self.conv1(x)))  # (N, C, 4, 4)
        x = self.pool(ft.nn.functional.relu(self.conv2(x)))  # (N, 2C, 2, 2)
        return self.fc(self.dropout(x.reshape(x.shape[0], -1)))


def train_epoch(model, loader, criterion, optimizer, max_steps):
    """One epoch of the PyTorch loop; return the mean training loss."""
    model.train()
    total, count = 0.0, 0
    for step, (x, y) in enumerate(loader):
        if step == max_steps:
            break
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        total, count = total + loss.item() * len(y), count + len(y)
    return total / count


def evaluate(model, dataset):
    """Return ``(logits, accuracy)`` of ``model`` in eval mode on a whole dataset."""
    model.eval()
    x, y = dataset.tensors
    with ft.no_grad():
        logits = model(x)
    return logits, float(np.mean(np.argmax(logits.numpy(), axis=1) == y.numpy()))


def save_and_reload(model, path):
    """Save ``model.state_dict()`` with ``ft.save``, load it into a fresh model, return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ft.save({"model": model.state_dict()}, path)
    fresh = DigitsCNN()
    fresh.load_state_dict(ft.load(path)["model"])
    return fresh


def main(argv=None):
    """Train, evaluate, save, reload and check the reloaded model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15, help="passes over the data (15)")
    parser.add_argument("--batch-size", type=int, default=32, help="images per step (32)")
    parser.add_argument("--lr", type=float, default=3e-3, help="Adam learning rate (3e-3)")
    parser.add_argument("--seed", type=int, default=0, help="split, init and order seed (0)")
    parser.add_argument("--smoke", action="store_true", help="1 epoch of 5 steps, for CI")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    epochs, max_steps = (1, 5) if args.smoke else (args.epochs, None)
    ft.manual_seed(args.seed)  # initial weights and dropout masks
    train_set, test_set = digits_datasets(seed=args.seed, images=True)
    loader = ft.data.DataLoader(train_set, batch_size=args.batch_size, shuffle=True,
                                seed=args.seed)
    model = DigitsCNN()
    print(model)
    criterion = nn.CrossEntropyLoss()
    optimizer = ft.optim.Adam(model.parameters(), lr=args.lr)
    for epoch in range(1, epochs + 1):
        loss = train_epoch(model, loader, criterion, optimizer, max_steps)
        print(f"epoch {epoch:2d}  train loss {loss:.4f}  "
              f"test accuracy {evaluate(model, test_set)[1]:.3f}")
    logits, test_acc = evaluate(model, test_set)
    reloaded = save_and_reload(model, args.out / "pytorch_style_cnn.ft")
    np.testing.assert_array_equal(evaluate(reloaded, test_set)[0].numpy(), logits.numpy())
    print(f"state_dict saved to {args.out / 'pytorch_style_cnn.ft'}; "
          "the reloaded model gives identical outputs")
    print(f"final test accuracy {test_acc:.3f}")


if __name__ == "__main__":
    main()
