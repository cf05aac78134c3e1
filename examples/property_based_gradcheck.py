"""Property-based gradient checking: hypothesis + ``ft.testing.check_grads`` on a ``custom_vjp``.

When you hand-write a derivative with ``ft.custom_vjp`` (for speed, or numerical
stability), nothing checks it for you. ``ft.testing.check_grads(f, args)`` compares
reverse-mode (and, for ``custom_jvp`` or plain functions, forward-mode) derivatives with
central finite differences, to any order. Hypothesis then runs that check on many
generated inputs (shapes and values drawn by ``ft.testing.strategies``), and when one
fails it shrinks the input to a small counterexample.

What this teaches:

* ``@ft.custom_vjp`` and ``f.defvjp(fwd, bwd)``: ``fwd`` returns the output and the
  residuals saved for the backward pass, ``bwd(residuals, g)`` returns one cotangent per
  argument (here a stable softplus, ``log(1 + e^x)``, whose derivative is ``sigmoid(x)``);
* ``check_grads(..., order=2, modes=("rev",))``: a ``custom_vjp`` function has no forward
  mode, and ``order=2`` also checks the derivative of the hand-written ``bwd``;
* ``@given(arrays(...))`` with ``@settings(max_examples=...)``: a property over inputs;
* a subtly wrong ``bwd`` (right only for ``x >= 0``) is caught, with a minimal
  counterexample.

Hypothesis is a test dependency (``pip install -e ".[test]"``); without it this script
says so and exits.
Run: ``python examples/property_based_gradcheck.py [--smoke]``.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import funtorch as ft

DOMAIN = (-30.0, 30.0)  # wide enough that a naive log(1 + exp(x)) would lose precision


@ft.custom_vjp
def softplus(x):
    """``log(1 + exp(x))`` elementwise, computed without overflow."""
    return ft.logaddexp(0.0, x)


softplus.defvjp(lambda x: (softplus(x), x),  # fwd: output, residual = x
                lambda x, g: (g * ft.sigmoid(x),))  # bwd: d softplus / dx = sigmoid(x)


@ft.custom_vjp
def buggy_softplus(x):
    """The same function with a wrong backward pass (``sigmoid(|x|)``): right only for x >= 0."""
    return ft.logaddexp(0.0, x)


buggy_softplus.defvjp(lambda x: (buggy_softplus(x), x),
                      lambda x, g: (g * ft.sigmoid(ft.abs(x)),))


def layer_loss(w, x):
    """A user function built on ``softplus``: ``sum(softplus(x @ w))``; gradients in w and x."""
    return ft.sum(softplus(x @ w))


def make_properties(max_examples):
    """Return the hypothesis-decorated properties (built here, so hypothesis stays optional)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from funtorch.testing.strategies import arrays, shapes

    run = settings(max_examples=max_examples, deadline=None, database=None)

    @run
    @given(shapes(min_dims=0, max_dims=2).flatmap(lambda s: arrays(shape=s, domain=DOMAIN)))
    def softplus_grads_match(x):
        ft.testing.check_grads(softplus, (x,), order=2, modes=("rev",))

    @run
    @given(st.integers(1, 4).flatmap(lambda n: st.tuples(
        arrays(shape=(3, n)), arrays(shape=(5, 3), domain=(-3.0, 3.0)))))
    def layer_grads_match(args):
        ft.testing.check_grads(layer_loss, args, order=1, modes=("rev",))

    @run
    @given(arrays(shape=(3,), domain=DOMAIN))
    def buggy_grads_match(x):
        ft.testing.check_grads(buggy_softplus, (x,), order=1, modes=("rev",))

    return softplus_grads_match, layer_grads_match, buggy_grads_match


def check_values():
    """Softplus is finite where the naive formula overflows, and its gradient is sigmoid."""
    x = ft.array([-800.0, -1.0, 0.0, 1.0, 800.0], dtype=ft.float64)
    with np.errstate(over="ignore"):
        naive = np.log1p(np.exp(x.numpy()))
    print(f"softplus({x.numpy().tolist()}) = {softplus(x).numpy().tolist()}")
    print(f"  (naive log(1 + exp(x)) gives {naive.tolist()})")
    grad = ft.grad(lambda v: ft.sum(softplus(v)))(x)
    np.testing.assert_allclose(grad.numpy(), np.exp(-np.logaddexp(0.0, -x.numpy())))  # sigmoid


def main(argv=None):
    """Run the properties; the buggy one is expected to fail with a small counterexample."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="inputs per property (100)")
    parser.add_argument("--smoke", action="store_true", help="10 inputs per property, for CI")
    args = parser.parse_args(argv)
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        print("hypothesis is not installed: install the test extras with "
              "`python -m pip install -e \".[test]\"` to run this example; skipping.")
        return 0
    check_values()
    correct, layer, buggy = make_properties(10 if args.smoke else args.examples)
    correct()
    print("property: check_grads(softplus, order=2) holds on every generated input")
    layer()
    print("property: check_grads(sum(softplus(x @ w))) holds on every generated input")
    try:
        buggy()
    except AssertionError as error:
        notes = "\n  ".join(note for note in getattr(error, "__notes__", [])  # hypothesis's
                             if note.startswith("Falsifying"))  # shrunk input is a note
        print(f"buggy_softplus: hypothesis found a counterexample, as expected:\n  {error}"
              f"\n  {notes}")
    else:
        print("buggy_softplus: no counterexample found (unexpected)")
        return 1
    print("property-based gradient checks: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
