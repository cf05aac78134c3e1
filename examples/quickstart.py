"""Train an MLP on the 8x8 handwritten digits with funtorch's functional API.

What this teaches, in one screen of training code:

* parameters are a plain dict of arrays (a pytree), initialised from an explicit
  ``ft.random`` key, and the loss is a pure function of them;
* ``ft.value_and_grad`` returns the loss and a dict of gradients of the same shape,
  and ``ft.jit`` compiles the whole training step (forward, backward and the
  optimizer update) into one replayed program, traced once;
* ``ft.optim.adamw`` is an Optax-style ``GradientTransformation``: ``init`` builds its
  state, ``update`` turns gradients into updates, ``apply_updates`` adds them;
* ``ft.data.DataLoader(shuffle=True, seed=...)`` gives reproducible mini-batches;
* ``ft.save``/``ft.load`` write and read a checkpoint without pickle.

Run from the repository root (after ``python -m pip install -e .``)::

    python examples/quickstart.py            # 20 epochs, about 97% test accuracy, a few seconds
    python examples/quickstart.py --smoke    # a few steps, for CI
    python examples/quickstart.py --help
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np
from datasets import digits_datasets  # examples/datasets.py, next to this script

import funtorch as ft
import funtorch.nn.functional as F

DEFAULT_OUT = Path(__file__).resolve().parent / "out"
SIZES = (64, 128, 10)  # input pixels, hidden units, classes


def init_params(key, sizes=SIZES):
    """Return ``{"w0", "b0", "w1", "b1", ...}``: He-normal weights and zero biases.

    Example:
        >>> sorted(init_params(ft.random.key(0)))
        ['b0', 'b1', 'w0', 'w1']
    """
    params = {}
    keys = ft.random.split(key, len(sizes) - 1)
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        params[f"w{i}"] = ft.random.normal(keys[i], (n_in, n_out)) * float(np.sqrt(2.0 / n_in))
        params[f"b{i}"] = ft.zeros(n_out)
    return params


def predict(params, x):
    """Return the class logits, shape ``(n, 10)``, for flat images ``x`` of shape ``(n, 64)``."""
    n_layers = len(params) // 2
    for i in range(n_layers - 1):
        x = F.relu(x @ params[f"w{i}"] + params[f"b{i}"])
    return x @ params[f"w{n_layers - 1}"] + params[f"b{n_layers - 1}"]


def loss_fn(params, x, y):
    """Mean cross-entropy of the MLP's logits against the integer labels ``y``."""
    return F.cross_entropy(predict(params, x), y)


def make_train_step(optimizer):
    """Return ``step(params, opt_state, x, y) -> (params, opt_state, loss)``, jitted whole."""

    @ft.jit
    def train_step(params, opt_state, x, y):
        loss, grads = ft.value_and_grad(loss_fn)(params, x, y)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return ft.optim.apply_updates(params, updates), opt_state, loss

    return train_step


def to_device(tree, device):
    """Copy every array of a pytree to ``device`` ("cpu" or "cuda")."""
    return ft.tree.map(lambda leaf: ft.device_put(leaf, device), tree)


def accuracy(params, dataset, device):
    """Return the share of samples of ``dataset`` whose predicted class is the label."""
    x, y = dataset.tensors
    logits = ft.jit(predict)(params, ft.device_put(x, device))
    return float(np.mean(np.argmax(logits.numpy(), axis=1) == y.numpy()))


class PlainProgress:
    """A one-line progress bar for when tqdm is not installed (rewrites its line with ``\r``)."""

    def __init__(self, total, desc):
        self.total, self.desc, self.count, self.postfix = total, desc, 0, ""
        self.start = self.drawn = time.perf_counter()

    def update(self, n=1):
        self.count += n
        now = time.perf_counter()
        if now - self.drawn >= 0.1 or self.count >= self.total:  # redraw at most 10 times a second
            self.drawn = now
            self._draw(self.count / max(now - self.start, 1e-9))

    def _draw(self, rate):
        filled = 30 * self.count // max(self.total, 1)
        sys.stderr.write(f"\r{self.desc} [{'#' * filled}{'.' * (30 - filled)}] "
                         f"{self.count}/{self.total} {rate:.0f} it/s {self.postfix}")
        sys.stderr.flush()

    def set_postfix_str(self, text, refresh=True):  # tqdm's signature; drawn on update
        self.postfix = text

    def close(self):
        sys.stderr.write("\n")
        sys.stderr.flush()


def progress_bar(total, desc):
    """Return a tqdm bar when tqdm is installed, else a :class:`PlainProgress`."""
    try:
        from tqdm import tqdm
    except ImportError:
        return PlainProgress(total, desc)
    return tqdm(total=total, desc=desc, leave=True)


def train(args):
    """Train with the options in ``args``; return ``(params, losses)`` (one loss per step)."""
    train_set, _ = digits_datasets(seed=args.seed)
    loader = ft.data.DataLoader(train_set, batch_size=args.batch_size, shuffle=True,
                                seed=args.seed)
    params = to_device(init_params(ft.random.key(args.seed)), args.device)
    optimizer = ft.optim.adamw(lr=args.lr, weight_decay=1e-4)
    opt_state = optimizer.init(params)
    train_step = make_train_step(optimizer)
    losses = []
    for epoch in range(1, args.epochs + 1):
        bar = progress_bar(min(len(loader), args.max_steps), f"epoch {epoch}/{args.epochs}")
        for step, (x, y) in enumerate(loader):
            if step == args.max_steps:
                break
            x, y = to_device((x, y), args.device)
            params, opt_state, loss = train_step(params, opt_state, x, y)
            losses.append(float(loss))
            bar.set_postfix_str(f"loss {losses[-1]:.4f}", refresh=False)
            bar.update(1)
        bar.close()
    return params, losses


def save_checkpoint(params, args, path):
    """Write the parameters and the options to ``path`` with ``ft.save``; reload and compare."""
    path.parent.mkdir(parents=True, exist_ok=True)
    host_params = to_device(params, "cpu")
    ft.save({"params": host_params, "epochs": args.epochs, "seed": args.seed}, path)
    restored = ft.load(path)
    for name, value in host_params.items():
        if not np.array_equal(restored["params"][name].numpy(), value.numpy()):
            raise RuntimeError(f"checkpoint {path}: parameter {name!r} did not round-trip")
    return to_device(restored["params"], args.device)


def plot_losses(losses, path):
    """Save the loss curve as a PNG if matplotlib is installed; return whether it did."""
    try:
        import matplotlib
    except ImportError:
        return False
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(losses, linewidth=0.8)
    ax.set(xlabel="step", ylabel="training loss", yscale="log", title="quickstart: MLP on digits")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def parse_args(argv=None):
    """Parse the command line (see ``--help``)."""
    parser = argparse.ArgumentParser(
        description="Train a 64-128-10 MLP on the 8x8 digits with ft.jit(ft.value_and_grad) "
                    "and ft.optim.adamw, then save a checkpoint with ft.save.")
    parser.add_argument("--epochs", type=int, default=20, help="passes over the data (20)")
    parser.add_argument("--batch-size", type=int, default=64, help="images per step (64)")
    parser.add_argument("--lr", type=float, default=2e-3, help="AdamW learning rate (2e-3)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the split, the weights and the batch order (0)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                        help="where to train (cpu); cuda needs CuPy and a GPU")
    parser.add_argument("--smoke", action="store_true", help="1 epoch of 5 steps, for CI")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder for the checkpoint and the loss curve (examples/out)")
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.batch_size < 1 or args.lr <= 0:
        parser.error("--epochs and --batch-size must be >= 1 and --lr must be > 0")
    if args.device == "cuda" and not ft.cuda.is_available():
        parser.error("--device cuda: no GPU available (needs CuPy and a CUDA device)")
    args.epochs, args.max_steps = (1, 5) if args.smoke else (args.epochs, sys.maxsize)
    return args


def main(argv=None):
    """Train, evaluate, checkpoint and plot; return the test accuracy."""
    args = parse_args(argv)
    start = time.perf_counter()
    params, losses = train(args)
    elapsed = time.perf_counter() - start
    _, test_set = digits_datasets(seed=args.seed)
    test_acc = accuracy(params, test_set, args.device)
    print(f"trained {len(losses)} steps in {elapsed:.1f} s, final train loss {losses[-1]:.4f}")
    path = args.out / "quickstart.ft"
    restored = save_checkpoint(params, args, path)
    print(f"checkpoint saved to {path} and reloaded: test accuracy "
          f"{accuracy(restored, test_set, args.device):.4f}")
    curve = args.out / "quickstart_loss.png"
    print(f"loss curve saved to {curve}" if plot_losses(losses, curve)
          else "matplotlib not installed: loss-curve plot skipped")
    print(f"final test accuracy {test_acc:.4f}")
    return test_acc


if __name__ == "__main__":
    main()
