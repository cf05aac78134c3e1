"""Time funtorch's special-function forward kernels against SciPy's compiled ones.

For each function and dtype (1M elements by default) it reports the median over
interleaved repeats of: ``ft`` (the public function, eager), ``kernel`` (the primitive's
raw ``impl(np, x)``: no Array wrapping, no dispatch), ``scipy`` and ``np.exp`` on the same
buffer as a unit. Ratios are to SciPy and to np.exp. SciPy is needed (it is the oracle).

    python bench/special.py                       # every function, float32 and float64
    python bench/special.py --only erf ndtr --repeat 9
    python bench/special.py --profile erf         # cProfile of the float32 kernel
    python bench/special.py --clock wall          # wall-clock instead of process time
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import scipy.special as sc  # noqa: E402

import funtorch as ft  # noqa: E402
from funtorch.ops import elementwise as E  # noqa: E402
from funtorch.special import _bessel, _error, _gamma  # noqa: E402


def _inputs(kind, n, rng):
    if kind == "normal":
        return rng.standard_normal(n) * 1.5
    if kind == "prob":
        return rng.uniform(1e-6, 1.0 - 1e-6, n)
    if kind == "unit":
        return rng.uniform(-0.999, 0.999, n)
    if kind == "positive":
        return rng.uniform(0.01, 30.0, n)
    if kind == "wide":
        return rng.uniform(-30.0, 30.0, n)
    raise ValueError(kind)


# name -> (ft function, primitive, scipy function, input kind)
CASES = {
    "erf": (ft.special.erf, E.erf_p, sc.erf, "normal"),
    "erfc": (ft.special.erfc, _error.erfc_p, sc.erfc, "normal"),
    "erfcx": (ft.special.erfcx, _error.erfcx_p, sc.erfcx, "normal"),
    "erfinv": (ft.special.erfinv, _error.erfinv_p, sc.erfinv, "unit"),
    "ndtr": (ft.special.ndtr, _error.ndtr_p, sc.ndtr, "normal"),
    "ndtri": (ft.special.ndtri, _error.ndtri_p, sc.ndtri, "prob"),
    "log_ndtr": (ft.special.log_ndtr, _error.log_ndtr_p, sc.log_ndtr, "normal"),
    "gammaln": (ft.special.gammaln, _gamma.gammaln_p, sc.gammaln, "positive"),
    "digamma": (ft.special.digamma, _gamma.digamma_p, sc.digamma, "positive"),
    "i0e": (ft.special.i0e, _bessel.i0e_p, sc.i0e, "wide"),
    "i1e": (ft.special.i1e, _bessel.i1e_p, sc.i1e, "wide"),
    "expit": (ft.special.expit, None, sc.expit, "wide"),
}


CLOCK = {"wall": time.perf_counter, "cpu": time.process_time}


def _time(fn, clock):
    start = clock()
    fn()
    return clock() - start


def bench(names, dtypes, n, repeat, clock=time.perf_counter):
    rng = np.random.default_rng(0)
    rows = []
    for name in names:
        fun, prim, ref, kind = CASES[name]
        for dtype in dtypes:
            x = _inputs(kind, n, rng).astype(dtype)
            fx = ft.asarray(x)
            runs = {"ft": lambda: fun(fx), "scipy": lambda: ref(x), "np.exp": lambda: np.exp(x)}
            if prim is not None:
                runs["kernel"] = lambda: prim.impl(np, x)
            samples = {k: [] for k in runs}
            for fn in runs.values():
                fn()  # warm up
            for _ in range(repeat):  # interleaved: load elsewhere hits every column alike
                for key, fn in runs.items():
                    samples[key].append(_time(fn, clock))
            med = {k: statistics.median(v) * 1e3 for k, v in samples.items()}
            rows.append((name, np.dtype(dtype).name, med))
    return rows


def report(rows):
    print(f"{'function':<10} {'dtype':<8} {'ft ms':>8} {'kernel ms':>10} {'scipy ms':>9} "
          f"{'exp ms':>7} {'ft/scipy':>9} {'ft/exp':>7}")
    for name, dtype, med in rows:
        kernel = med.get("kernel", float("nan"))
        print(f"{name:<10} {dtype:<8} {med['ft']:8.2f} {kernel:10.2f} {med['scipy']:9.2f} "
              f"{med['np.exp']:7.2f} {med['ft'] / med['scipy']:9.2f} "
              f"{med['ft'] / med['np.exp']:7.2f}")


def profile(name, n):
    fun, prim, ref, kind = CASES[name]
    x = _inputs(kind, n, np.random.default_rng(0)).astype(np.float32)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(5):
        prim.impl(np, x)
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(15)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=list(CASES), choices=list(CASES))
    parser.add_argument("--dtypes", nargs="*", default=["float32", "float64"])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", choices=list(CASES))
    parser.add_argument("--clock", choices=list(CLOCK), default="cpu",
                        help="cpu: process time, steadier on a shared machine (default)")
    args = parser.parse_args(argv)
    print(f"# {os.uname().nodename} {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
          f"load {os.getloadavg()[0]:.1f}; median of {args.repeat} interleaved repeats, "
          f"{args.size} elements, {args.clock} clock")
    if args.profile:
        profile(args.profile, args.size)
        return
    report(bench(args.only, args.dtypes, args.size, args.repeat, CLOCK[args.clock]))


if __name__ == "__main__":
    main()
