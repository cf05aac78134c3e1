"""Peak memory of reverse mode with and without ``ft.checkpoint`` (rematerialisation).

A 16-block residual tanh MLP (width 512, batch 256, float32); ``grad`` of the summed
output. Without checkpointing, the tape keeps every block's intermediates until the
backward pass; with each block wrapped in ``ft.checkpoint`` only the block inputs are
kept and each block's forward is recomputed during the backward pass.

Run: python bench/checkpoint_memory.py
"""

from __future__ import annotations

import os
import sys
import time
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import funtorch as ft  # noqa: E402

DEPTH, WIDTH, BATCH = 16, 512, 256


def block(w, h):
    """One residual block: three elementwise ops and a matmul, all kept by the tape."""
    z = h @ w
    return h + ft.tanh(z) * ft.sigmoid(z)


def loss(weights, x, remat):
    step = ft.checkpoint(block) if remat else block
    h = x
    for w in weights:
        h = step(w, h)
    return ft.sum(h * h)


def measure(remat):
    rng = np.random.default_rng(0)
    weights = [ft.array(rng.normal(0, WIDTH ** -0.5, (WIDTH, WIDTH)).astype(np.float32))
               for _ in range(DEPTH)]
    x = ft.array(rng.normal(size=(BATCH, WIDTH)).astype(np.float32))
    grad = ft.grad(loss)
    grad(weights, x, remat)  # warm up
    tracemalloc.start()
    start = time.perf_counter()
    grads = grad(weights, x, remat)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return grads, peak / 2 ** 20, seconds


def main():
    plain, plain_peak, plain_s = measure(False)
    remat, remat_peak, remat_s = measure(True)
    for a, b in zip(plain, remat):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)
    print(f"{DEPTH} residual blocks, width {WIDTH}, batch {BATCH}, float32")
    print(f"without checkpoint: peak {plain_peak:7.1f} MiB, {plain_s * 1e3:6.1f} ms")
    print(f"with checkpoint:    peak {remat_peak:7.1f} MiB, {remat_s * 1e3:6.1f} ms")
    print(f"memory saved: {1 - remat_peak / plain_peak:.0%}; time cost: "
          f"{remat_s / plain_s:.2f}x (one extra forward per block)")


if __name__ == "__main__":
    main()
