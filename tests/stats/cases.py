"""The distributions under test: how to draw valid arguments for each, which SciPy functions
they match, and which ``ft.special`` functions they need."""

import math

import numpy as np


def uniform(low, high):
    return lambda rng, n: rng.uniform(low, high, n)


def integers(low, high):
    return lambda rng, n: rng.integers(low, high, n).astype(np.float64)


REAL = uniform(-3.0, 3.0)
LOC = uniform(-0.5, 0.5)
SCALE = uniform(0.5, 2.0)

# name: (sampler of x / k, samplers of the parameters in SciPy's order, special functions)
CONTINUOUS = {
    "norm": (REAL, [LOC, SCALE], ["ndtr", "log_ndtr", "ndtri"]),
    "expon": (uniform(0.1, 3.0), [uniform(-1.0, 0.0), SCALE], []),
    "laplace": (REAL, [LOC, SCALE], []),
    "logistic": (REAL, [LOC, SCALE], []),
    "cauchy": (REAL, [LOC, SCALE], []),
    "gumbel_r": (REAL, [LOC, SCALE], []),
    "gumbel_l": (REAL, [LOC, SCALE], []),
    "uniform": (uniform(0.1, 0.9), [uniform(-0.05, 0.05), uniform(1.0, 1.2)], []),
    "pareto": (uniform(2.5, 5.0), [uniform(1.0, 3.0), LOC, uniform(0.5, 1.5)], []),
    "t": (REAL, [uniform(1.0, 5.0), LOC, SCALE], ["gammaln"]),
    "gennorm": (REAL, [uniform(1.2, 3.0), LOC, SCALE], ["gammaln", "gammainc"]),
    "gamma": (uniform(0.5, 4.0), [uniform(0.5, 3.0), uniform(-0.3, 0.3), SCALE],
              ["gammaln", "xlogy", "gammainc", "gammaincc"]),
    "chi2": (uniform(0.5, 4.0), [uniform(1.0, 6.0), uniform(-0.3, 0.3), SCALE],
             ["gammaln", "xlogy", "gammainc", "gammaincc"]),
    "beta": (uniform(0.1, 0.9), [uniform(0.5, 3.0), uniform(0.5, 3.0), uniform(-0.05, 0.05),
                                 uniform(1.0, 1.1)], ["xlogy", "xlog1py", "betaln", "betainc"]),
    "vonmises": (uniform(-math.pi, math.pi), [uniform(0.5, 5.0)], ["i0e"]),
    "wrapcauchy": (uniform(0.1, 6.0), [uniform(0.1, 0.9)], []),
    "truncnorm": (uniform(-0.3, 0.3), [uniform(-2.0, -0.5), uniform(0.5, 2.0),
                                       uniform(-0.1, 0.1), uniform(0.9, 1.1)],
                  ["ndtr", "log_ndtr"]),
}

DISCRETE = {
    "poisson": (integers(0, 9), [uniform(0.5, 5.0)], ["xlogy", "gammaln", "gammaincc"]),
    "binom": (integers(0, 6), [integers(6, 11), uniform(0.1, 0.9)],
              ["xlogy", "xlog1py", "gammaln"]),
    "nbinom": (integers(0, 10), [uniform(1.0, 5.0), uniform(0.1, 0.9)],
               ["xlogy", "xlog1py", "gammaln"]),
    "bernoulli": (integers(0, 2), [uniform(0.1, 0.9)], ["xlogy", "xlog1py"]),
    "betabinom": (integers(0, 6), [integers(6, 11), uniform(0.5, 3.0), uniform(0.5, 3.0)],
                  ["betaln", "gammaln"]),
    "geom": (integers(1, 9), [uniform(0.1, 0.9)], ["xlog1py"]),
}

# parameters that are counts: not differentiated (the functions are defined for real n,
# but SciPy's are not, and no test of ours would mean anything)
INTEGER_PARAMS = {"binom": {0}, "betabinom": {0}}

QUANTILE = uniform(0.05, 0.95)

# ft.special.betainc has no derivative in its shape arguments (as jax.scipy.special.betainc):
# these methods are differentiated in x, loc and scale only; the positions listed are the
# shape parameters, in the call's argument order
NO_SHAPE_GRAD = {("beta", m): {1, 2} for m in ("cdf", "logcdf", "sf", "logsf")}

# ft.special.gammainc/gammaincc have a first derivative in ``a`` but no second: the shape
# parameters of these methods are checked to order 1 only
FIRST_ORDER_SHAPE_GRAD = {
    **{(dist, m): {1} for dist in ("gamma", "chi2") for m in ("cdf", "logcdf", "sf", "logsf")},
    **{("gennorm", m): {1} for m in ("cdf", "sf")},
}
