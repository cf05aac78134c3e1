"""PyTorch-style autograd in funtorch: ``requires_grad``, ``backward``, ``grad_fn``, ``no_grad``.

What this teaches:

* a tensor created with ``requires_grad=True`` is a leaf; every op on it records a
  ``grad_fn`` node (``MulBackward0``, ``TanhBackward0``, ...) linked through
  ``next_functions``, the computational graph that ``backward()`` walks;
* ``loss.backward()`` accumulates d loss / d leaf into each leaf's ``.grad`` (call it
  twice with ``retain_graph=True`` and the gradients add up; reset with ``x.grad = None``);
* inside ``with ft.no_grad():`` nothing is recorded, and ``detach()`` cuts a value off;
* the same function, written as a pure function, can be staged with ``ft.make_graph``:
  ``str()`` of the result is a readable program and ``.to_dot()`` a Graphviz drawing
  (written to ``examples/out/autograd_basics.dot``; render it with
  ``dot -Tpng autograd_basics.dot -o graph.png``);
* ``ft.grad`` of that pure function gives the same numbers as ``backward()``: both
  styles run on one engine.

Run: ``python examples/autograd_basics.py`` (``--smoke`` is the same, it is already fast).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import funtorch as ft

DEFAULT_OUT = Path(__file__).resolve().parent / "out"


def neuron(x, w, b):
    """One tanh neuron with a squared-error loss against target 1: ``(tanh(w.x + b) - 1)^2``."""
    return (ft.tanh(ft.sum(w * x) + b) - 1.0) ** 2


def print_graph(grad_fn, depth=0):
    """Print the ``grad_fn`` graph below ``grad_fn``, one node per line, indented by depth."""
    print("  " * depth + type(grad_fn).__name__)
    for child in getattr(grad_fn, "next_functions", ()):
        print_graph(child, depth + 1)


def imperative(x_value, w_value, b_value):
    """Build the graph with ``requires_grad`` tensors, call ``backward``; return the grads."""
    x = ft.tensor(x_value)  # data: no gradient wanted
    w = ft.tensor(w_value, requires_grad=True)
    b = ft.tensor(b_value, requires_grad=True)
    loss = neuron(x, w, b)
    print(f"loss = {loss}")
    print(f"w.is_leaf={w.is_leaf}  loss.is_leaf={loss.is_leaf}  w.grad_fn={w.grad_fn}")
    print(f"loss.grad_fn = {type(loss.grad_fn).__name__}; the recorded graph:")
    print_graph(loss.grad_fn)
    loss.backward(retain_graph=True)
    print(f"after backward: w.grad = {w.grad}, b.grad = {b.grad}")
    first = (w.grad, b.grad)
    loss.backward()  # gradients accumulate into .grad, as in PyTorch
    print(f"after a second backward, b.grad doubled: {b.grad}")
    w.grad = b.grad = None
    with ft.no_grad():
        frozen = w * 2.0
    print(f"under no_grad: (w * 2).requires_grad = {frozen.requires_grad}; "
          f"w.detach().requires_grad = {w.detach().requires_grad}")
    return first


def functional(x_value, w_value, b_value, out_dir):
    """Stage the loss with ``ft.make_graph``, write its DOT file; return ``ft.grad``'s grads."""
    args = (ft.array(x_value), ft.array(w_value), ft.array(b_value))
    graph = ft.make_graph(neuron)(*args)
    print("the same loss staged with ft.make_graph:")
    print(graph)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "autograd_basics.dot"
    path.write_text(graph.to_dot())
    print(f"Graphviz description written to {path}")
    return ft.grad(neuron, argnums=(1, 2))(*args)


def main(argv=None):
    """Run both halves and check that they agree."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="same as a full run (it is fast)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    x_value, w_value, b_value = [1.0, -2.0, 0.5], [0.3, 0.1, -0.4], 0.2
    imperative_grads = imperative(x_value, w_value, b_value)
    functional_grads = functional(x_value, w_value, b_value, args.out)
    for name, a, b in zip(("w", "b"), imperative_grads, functional_grads):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)
        print(f"d loss / d {name}: backward() and ft.grad agree: {b.numpy()}")
    print("autograd basics: OK")


if __name__ == "__main__":
    main()
