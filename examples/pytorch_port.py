"""A typical PyTorch training script that runs unchanged on funtorch.

What this teaches:

* porting: the training code below is plain PyTorch; only the module name in the
  imports differs (``import funtorch as torch``, ``from funtorch.utils.data import
  DataLoader``). :func:`load_framework` is the only framework-specific code;
  ``--framework torch`` runs the very same ``train`` function under real PyTorch;
* a custom ``nn.Module`` (an MLP on the 8x8 digits), a ``DataLoader`` with a fixed
  batch order (``shuffle=False``);
* in-place manual updates: hand-written SGD with momentum under ``torch.no_grad()``
  with ``buf.mul_(momentum).add_(p.grad)``, ``p.add_(buf, alpha=-lr)``, ``p.grad.zero_()``;
* gradient hooks: ``p.register_hook`` logs every parameter's gradient norm.

The initial weights are drawn with a NumPy seed and copied into the model with
``p.copy_`` (no dropout, fixed order), so both frameworks see identical numbers;
``tests/test_pytorch_port.py`` checks the first 30 losses against PyTorch's
(``tests/fixtures/port_losses.npz``, written by ``tests/fixtures/make_port_fixture.py``).

Run: ``python examples/pytorch_port.py [--smoke] [--framework torch|funtorch]``.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

import numpy as np
from datasets import load_digits  # examples/datasets.py, next to this script

DEFAULT_OUT = Path(__file__).resolve().parent / "out"
PARAM_ORDER = ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias")


def load_framework(name):
    """Return ``(torch, DataLoader, TensorDataset)`` for ``"funtorch"`` or ``"torch"``.

    This is the whole port: ``torch`` renamed ``funtorch`` in the two imports.
    """
    if name == "funtorch":
        import funtorch as torch
        from funtorch.utils.data import DataLoader, TensorDataset
    elif name == "torch":
        torch = importlib.import_module("torch")
        from torch.utils.data import DataLoader, TensorDataset
    else:
        raise ValueError(f"load_framework: expected 'torch' or 'funtorch', got {name!r}")
    return torch, DataLoader, TensorDataset


def init_arrays(sizes, seed):
    """Glorot-uniform weights and zero biases as float32 NumPy arrays, from one seed."""
    rng = np.random.default_rng(seed)
    arrays = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        arrays.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32))
        arrays.append(np.zeros(fan_out, np.float32))
    return arrays


def train(torch, DataLoader, TensorDataset, steps, lr=0.05, momentum=0.9, batch_size=32,
          hidden=32, seed=0, log=print):
    """Train the MLP for ``steps`` steps; return ``(losses, grad_norm_log, accuracy)``.

    Everything in this function is written with PyTorch's names only.
    """

    class MLP(torch.nn.Module):
        def __init__(self, sizes):
            super().__init__()
            self.fc1 = torch.nn.Linear(sizes[0], sizes[1])
            self.fc2 = torch.nn.Linear(sizes[1], sizes[2])
            self.fc3 = torch.nn.Linear(sizes[2], sizes[3])

        def forward(self, x):
            x = torch.tanh(self.fc1(x))
            x = torch.nn.functional.relu(self.fc2(x))
            return self.fc3(x)

    data = load_digits(seed=seed)
    train_set = TensorDataset(torch.from_numpy(data.x_train), torch.from_numpy(data.y_train))
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=False)

    sizes = (64, hidden, hidden, 10)
    model = MLP(sizes)
    params = list(model.parameters())
    with torch.no_grad():
        for p, array in zip(params, init_arrays(sizes, seed)):
            p.copy_(torch.from_numpy(array))

    grad_norms = []  # (step, parameter name, norm), filled by the hooks
    step = 0
    for name, p in model.named_parameters():
        p.register_hook(lambda g, name=name: grad_norms.append((step, name, g.norm().item())))

    criterion = torch.nn.CrossEntropyLoss()
    buffers = [torch.zeros_like(p) for p in params]
    losses = []
    while step < steps:
        for x, y in loader:
            if step == steps:
                break
            loss = criterion(model(x), y)
            loss.backward()
            with torch.no_grad():
                for p, buf in zip(params, buffers):
                    buf.mul_(momentum).add_(p.grad)
                    p.add_(buf, alpha=-lr)
                    p.grad.zero_()
            losses.append(loss.item())
            if step % 20 == 0:
                logged = sorted((PARAM_ORDER.index(n), n, v) for s, n, v in grad_norms
                                if s == step)  # torch runs the hooks in backward order
                norms = ", ".join(f"{n} {v:.3f}" for _, n, v in logged)
                log(f"step {step:4d}  loss {losses[-1]:.4f}  grad norms: {norms}")
            step += 1

    with torch.no_grad():
        logits = model(torch.from_numpy(data.x_test))
    accuracy = float(np.mean(np.argmax(logits.numpy(), axis=1) == data.y_test))
    return np.array(losses, np.float32), grad_norms, accuracy


def main(argv=None):
    """Parse the options, train, print the losses and test accuracy."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framework", choices=("funtorch", "torch"), default="funtorch",
                        help="which library runs the script (funtorch)")
    parser.add_argument("--steps", type=int, default=450, help="training steps (450)")
    parser.add_argument("--lr", type=float, default=0.05, help="learning rate (0.05)")
    parser.add_argument("--momentum", type=float, default=0.9, help="momentum (0.9)")
    parser.add_argument("--seed", type=int, default=0, help="split and init seed (0)")
    parser.add_argument("--smoke", action="store_true", help="10 steps, for CI")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    steps = 10 if args.smoke else args.steps
    torch, DataLoader, TensorDataset = load_framework(args.framework)
    losses, grad_norms, accuracy = train(torch, DataLoader, TensorDataset, steps, lr=args.lr,
                                         momentum=args.momentum, seed=args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"pytorch_port_losses_{args.framework}.txt"
    np.savetxt(path, losses, fmt="%.8g")
    print(f"{len(grad_norms)} gradient norms logged by hooks; losses written to {path}")
    print(f"{args.framework}: final loss {losses[-1]:.4f}  test accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
