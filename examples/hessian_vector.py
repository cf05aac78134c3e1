"""Hessian-vector products without the Hessian: forward-over-reverse ``ft.jvp(ft.grad(f))``.

For ``f: R^n -> R`` the Hessian has ``n^2`` entries, but ``H @ v`` costs about as much as
a couple of gradients: differentiate the gradient ``ft.grad(f)`` in the direction ``v``
with forward mode, ``ft.jvp(ft.grad(f), (x,), (v,))[1]``.

What this teaches:

* transforms compose: ``jvp`` of ``grad`` (forward-over-reverse) and ``grad`` of a dot
  product with ``grad`` (reverse-over-reverse) both give ``H @ v``;
* ``ft.hessian(f)(x)`` (``jacfwd(jacrev(f))``) builds the full matrix, to check against;
* a use: power iteration with HVPs finds the largest Hessian eigenvalue (the sharpness
  of a loss) without ever forming ``H``; checked against ``numpy.linalg.eigvalsh``.

The function is the n-dimensional Rosenbrock function, in float64.
Run: ``python examples/hessian_vector.py [--smoke]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import funtorch as ft


def rosenbrock(x):
    """``sum(100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2)``, minimum 0 at all-ones."""
    return ft.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def hvp_forward_over_reverse(f, x, v):
    """``H(x) @ v`` as the directional derivative of ``grad f`` along ``v``."""
    return ft.jvp(ft.grad(f), (x,), (v,))[1]


def hvp_reverse_over_reverse(f, x, v):
    """``H(x) @ v`` as the gradient of ``<grad f(x), v>`` (H is symmetric)."""
    return ft.grad(lambda y: ft.sum(ft.grad(f)(y) * v))(x)


def top_eigenvalue(f, x, iterations, key):
    """Largest-magnitude eigenvalue of ``H(x)`` by power iteration with HVPs only."""
    hvp = ft.jit(lambda v: hvp_forward_over_reverse(f, x, v))
    v = ft.random.normal(key, x.shape, dtype=ft.float64)
    v = v / ft.linalg.norm(v)
    eigenvalue = 0.0
    for _ in range(iterations):
        hv = hvp(v)
        eigenvalue = float(ft.sum(v * hv))  # Rayleigh quotient v^T H v
        v = hv / ft.linalg.norm(hv)
    return eigenvalue


def check_hvp(n, key):
    """Compare both HVPs with ``ft.hessian(f)(x) @ v`` at a random point; time them."""
    key_x, key_v = ft.random.split(key)
    x = ft.random.normal(key_x, (n,), dtype=ft.float64)
    v = ft.random.normal(key_v, (n,), dtype=ft.float64)
    start = time.perf_counter()
    hessian = ft.hessian(rosenbrock)(x)
    full_time = time.perf_counter() - start
    start = time.perf_counter()
    forward = hvp_forward_over_reverse(rosenbrock, x, v)
    hvp_time = time.perf_counter() - start
    reverse = hvp_reverse_over_reverse(rosenbrock, x, v)
    expected = hessian @ v
    np.testing.assert_allclose(forward.numpy(), expected.numpy(), rtol=1e-10)
    np.testing.assert_allclose(reverse.numpy(), expected.numpy(), rtol=1e-10)
    print(f"n={n}: jvp(grad(f)) and grad(<grad f, v>) match hessian(f) @ v "
          f"(max |diff| {float(ft.max(ft.abs(forward - expected))):.2e})")
    print(f"  full Hessian {full_time * 1e3:.1f} ms vs one HVP {hvp_time * 1e3:.1f} ms")
    return x, hessian


def main(argv=None):
    """Check the HVPs, then estimate the sharpness by power iteration."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="dimension of x (1000)")
    parser.add_argument("--iterations", type=int, default=300, help="power iterations (300)")
    parser.add_argument("--seed", type=int, default=0, help="seed of x, v and the start (0)")
    parser.add_argument("--smoke", action="store_true", help="n=10 and 50 iterations, for CI")
    args = parser.parse_args(argv)
    n, iterations = (10, 50) if args.smoke else (args.n, args.iterations)
    key_check, key_power = ft.random.split(ft.random.key(args.seed))
    x, hessian = check_hvp(n, key_check)
    estimate = top_eigenvalue(rosenbrock, x, iterations, key_power)
    eigenvalues = np.linalg.eigvalsh(hessian.numpy())
    exact = eigenvalues[np.argmax(np.abs(eigenvalues))]
    print(f"power iteration with HVPs: top eigenvalue {estimate:.4f} "
          f"(numpy.linalg.eigvalsh: {exact:.4f}, relative error {abs(estimate / exact - 1):.1e})")


if __name__ == "__main__":
    main()
