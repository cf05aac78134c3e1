"""Logistic regression on the UCI breast-cancer table with ``ft.value_and_grad``.

The functional style in one screen: parameters are a dict pytree, the loss is a
pure function of them, ``ft.value_and_grad`` returns the loss and a dict of
gradients with the same structure, and the update is one ``ft.tree.map``.

Run from the repository root::

    python examples/quickstart.py            # 20 epochs, about 98% test accuracy
    python examples/quickstart.py --smoke    # 2 epochs, for CI
    python examples/quickstart.py --help
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from datasets import load_breast_cancer  # examples/datasets.py, next to this script

import funtorch as ft


def init_params(n_features, seed):
    """Return ``{"w": (n_features,), "b": ()}`` float32 parameters drawn with ``seed``.

    Example:
        >>> sorted(init_params(3, seed=0))
        ['b', 'w']
    """
    rng = np.random.default_rng(seed)
    return {
        "w": ft.array(rng.normal(0.0, 0.01, size=n_features).astype(np.float32)),
        "b": ft.array(np.float32(0.0)),
    }


def logits(params, x):
    """Return the log-odds of class 1 ("benign") for each row of ``x``, shape ``(n,)``."""
    return x @ params["w"] + params["b"]


def loss_fn(params, x, y):
    """Mean binary cross-entropy of the logistic model.

    Written as ``log(1 + exp(z)) - y * z`` with ``logaddexp`` so that large
    logits neither overflow nor lose precision.

    Args:
        params: dict with ``"w"`` of shape ``(d,)`` and scalar ``"b"``.
        x: features, shape ``(n, d)``.
        y: labels in {0, 1} as floats, shape ``(n,)``.

    Returns:
        A float32 scalar ``Array``.

    Example:
        >>> import funtorch as ft
        >>> params = {"w": ft.zeros(2), "b": ft.array(0.0)}
        >>> round(float(loss_fn(params, ft.ones((4, 2)), ft.zeros(4))), 4)  # log(2)
        0.6931
    """
    z = logits(params, x)
    return ft.mean(ft.logaddexp(0.0, z) - y * z)


def sgd_step(params, grads, lr):
    """Return ``params - lr * grads`` leaf by leaf (plain gradient descent)."""
    return ft.tree.map(lambda p, g: p - lr * g, params, grads)


def accuracy(params, x, y):
    """Return the share of rows of ``x`` whose predicted class equals ``y``."""
    predicted = np.asarray(logits(params, x)) > 0
    return float(np.mean(predicted == np.asarray(y).astype(bool)))


def train(epochs, lr, batch_size, seed, log=print):
    """Train the model with mini-batch gradient descent and return ``(params, test_acc)``.

    Args:
        epochs: passes over the training set.
        lr: learning rate.
        batch_size: rows per gradient step; the last batch of an epoch may be smaller.
        seed: seeds the data split, the initial weights and the batch order.
        log: called with one line of text per epoch.

    Returns:
        The trained parameter dict and the accuracy on the held-out test set.

    Example:
        >>> _, acc = train(epochs=2, lr=0.1, batch_size=32, seed=0, log=lambda s: None)
        >>> acc > 0.9
        True
    """
    data = load_breast_cancer(seed=seed)
    x_train, y_train = data.x_train, data.y_train.astype(np.float32)
    x_test, y_test = ft.array(data.x_test), data.y_test
    params = init_params(x_train.shape[1], seed)
    value_and_grad = ft.value_and_grad(loss_fn)
    rng = np.random.default_rng(seed)
    n_train = x_train.shape[0]
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n_train)
        total = 0.0
        for start in range(0, n_train, batch_size):
            rows = order[start:start + batch_size]
            x_batch, y_batch = ft.array(x_train[rows]), ft.array(y_train[rows])
            loss, grads = value_and_grad(params, x_batch, y_batch)
            params = sgd_step(params, grads, lr)
            total += float(loss) * len(rows)
        log(f"epoch {epoch:3d}  train loss {total / n_train:.4f}  "
            f"test accuracy {accuracy(params, x_test, y_test):.3f}")
    return params, accuracy(params, x_test, y_test)


def parse_args(argv=None):
    """Parse the command line (see ``--help``)."""
    parser = argparse.ArgumentParser(
        description="Logistic regression on the UCI breast-cancer table, trained with "
                    "ft.value_and_grad and plain mini-batch gradient descent.")
    parser.add_argument("--epochs", type=int, default=20, help="passes over the data (20)")
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate (0.1)")
    parser.add_argument("--batch-size", type=int, default=32, help="rows per step (32)")
    parser.add_argument("--seed", type=int, default=0, help="split, init and shuffle seed (0)")
    parser.add_argument("--smoke", action="store_true", help="2-epoch run for CI")
    args = parser.parse_args(argv)
    if args.smoke:
        args.epochs = 2
    if args.epochs < 1 or args.batch_size < 1 or args.lr <= 0:
        parser.error("--epochs and --batch-size must be >= 1 and --lr must be > 0")
    return args


def main(argv=None):
    """Train, print the loss per epoch and the final test accuracy; return the accuracy."""
    args = parse_args(argv)
    start = time.perf_counter()
    _, test_acc = train(args.epochs, args.lr, args.batch_size, args.seed)
    print(f"final test accuracy {test_acc:.3f} ({time.perf_counter() - start:.1f} s)")
    return test_acc


if __name__ == "__main__":
    main()
