"""A single sigmoid neuron on the breast-cancer table: by hand, then with nn, optim and data.

What this teaches, twice over the same task (malignant vs benign from 30 features):

1. **The manual pipeline.** Weights are tensors with ``requires_grad=True``; the model
   (``sigmoid(x @ w + b)``) and the binary cross-entropy are written out; every epoch
   runs full-batch gradient descent with ``loss.backward()`` and an update under
   ``ft.no_grad()``.
2. **The same with the library.** An ``ft.nn.Module`` subclass holding one
   ``ft.nn.Linear(30, 1)``, ``ft.nn.BCEWithLogitsLoss`` (numerically stable: it takes
   logits), ``ft.optim.SGD`` with ``zero_grad()``/``step()``, and mini-batches from
   ``ft.data.DataLoader(shuffle=True, seed=...)`` over the ``TensorDataset`` built by
   ``examples/datasets.py``.

Both reach about 97-98% test accuracy. Run:
``python examples/breast_cancer_single_neuron.py [--smoke]``.
"""

from __future__ import annotations

import argparse

import numpy as np
from datasets import breast_cancer_datasets  # examples/datasets.py, next to this script

import funtorch as ft


def manual_fit(x, y, epochs, lr):
    """Full-batch gradient descent on a hand-written sigmoid neuron; return ``(w, b)``."""
    w = ft.zeros(x.shape[1]).requires_grad_()
    b = ft.zeros(()).requires_grad_()
    for epoch in range(1, epochs + 1):
        prob = ft.sigmoid(x @ w + b)
        eps = 1e-7  # keeps log() finite when a probability saturates
        loss = -(y * ft.log(prob + eps) + (1 - y) * ft.log(1 - prob + eps)).mean()
        loss.backward()
        with ft.no_grad():
            w = (w - lr * w.grad).requires_grad_()
            b = (b - lr * b.grad).requires_grad_()
        if epoch % max(epochs // 4, 1) == 0:
            print(f"  manual  epoch {epoch:3d}  loss {loss.item():.4f}")
    return w.detach(), b.detach()


class Neuron(ft.nn.Module):
    """Logistic regression as a Module: ``(n, 30) -> (n,)`` logits."""

    def __init__(self, n_features):
        super().__init__()
        self.linear = ft.nn.Linear(n_features, 1)

    def forward(self, x):
        return self.linear(x).squeeze(-1)


def library_fit(train_set, epochs, lr, batch_size, seed):
    """Mini-batch SGD with ``nn.Module``, ``BCEWithLogitsLoss``, ``optim.SGD``, ``DataLoader``."""
    ft.manual_seed(seed)  # the Linear layer's initial weights come from the global generator
    model = Neuron(train_set.tensors[0].shape[1])
    loss_fn = ft.nn.BCEWithLogitsLoss()
    optimizer = ft.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    loader = ft.data.DataLoader(train_set, batch_size=batch_size, shuffle=True, seed=seed)
    for epoch in range(1, epochs + 1):
        total = 0.0
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
        if epoch % max(epochs // 4, 1) == 0:
            print(f"  library epoch {epoch:3d}  loss {total / len(train_set):.4f}")
    return model


def accuracy(logits, y):
    """Share of rows whose logit sign matches the 0/1 label."""
    return float(np.mean((logits.numpy() > 0) == (y.numpy() > 0.5)))


def main(argv=None):
    """Train both ways and print the test accuracies."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100, help="epochs of each fit (100)")
    parser.add_argument("--batch-size", type=int, default=32, help="mini-batch size (32)")
    parser.add_argument("--seed", type=int, default=0, help="split, init and order seed (0)")
    parser.add_argument("--smoke", action="store_true", help="3 epochs, for CI")
    args = parser.parse_args(argv)
    epochs = 3 if args.smoke else args.epochs
    train_set, test_set = breast_cancer_datasets(seed=args.seed)
    (x_train, y_train), (x_test, y_test) = train_set.tensors, test_set.tensors
    print("1. manual pipeline (full-batch gradient descent)")
    w, b = manual_fit(x_train, y_train, epochs, lr=0.5)
    manual_acc = accuracy(x_test @ w + b, y_test)
    print(f"manual pipeline test accuracy {manual_acc:.3f}")
    print("2. nn.Module + optim.SGD + DataLoader mini-batches")
    model = library_fit(train_set, epochs, lr=0.01, batch_size=args.batch_size, seed=args.seed)
    model.eval()
    with ft.no_grad():
        library_acc = accuracy(model(x_test), y_test)
    print(f"nn.Module pipeline test accuracy {library_acc:.3f}")


if __name__ == "__main__":
    main()
