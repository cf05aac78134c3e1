"""Special functions, as ``scipy.special`` and ``jax.scipy.special`` spell them.

Every function takes array-likes (integers become the default float dtype, Python scalars
stay weak), follows SciPy's values at the edges (``nan`` outside the domain, ``inf`` at
poles) and is differentiable where the maths has a closed-form derivative. Each
non-trivial one is a primitive whose impl computes in float64 (float32 results are the
float64 ones rounded) and whose derivative is written with public ops.

Not differentiable (grad raises a TypeError naming the primitive, never a silent zero):
the shape parameters of ``gammainc``/``gammaincc`` (``a``), ``betainc`` (``a``, ``b``),
``hyp1f1``/``hyp2f1`` (all but ``x``) and the exponent of ``zeta``; integer orders
(``polygamma``'s ``n``, ``expn``'s ``n``, ``bessel_jn``'s ``v``) are integers.

``wofz`` (the Faddeeva function) and ``sph_harm_y`` (spherical harmonics) return complex
arrays; every other function is real and refuses complex inputs with a TypeError naming it.

Example:
    >>> import funtorch as ft
    >>> ft.special.gammaln(ft.array([0.5, 10.0]))
    array([ 0.5723649, 12.801827 ])
    >>> ft.grad(lambda x: ft.special.ndtri(x))(ft.array(0.975))
    array(17.110096)
"""

from funtorch.special._bessel import bessel_jn, i0, i0e, i1, i1e
from funtorch.special._error import dawsn, erf, erfc, erfcx, erfinv, log_ndtr, ndtr, ndtri
from funtorch.special._expint import exp1, expi, expn, fresnel, sici, spence
from funtorch.special._gamma import (
    bernoulli, digamma, factorial, gamma, gammaln, gammasgn, loggamma, multigammaln,
    polygamma, psi, zeta,
)
from funtorch.special._hyper import hyp1f1, hyp2f1, owens_t
from funtorch.special._incomplete import (
    beta, betainc, betaln, comb, gammainc, gammaincc, poch,
)
from funtorch.special._misc import (
    boxcox, boxcox1p, entr, expit, kl_div, log_softmax, logit, logsumexp, rel_entr, softmax,
    xlog1py, xlogy,
)
from funtorch.special._sph_harm import sph_harm_y
from funtorch.special._wofz import wofz

__all__ = [
    "bernoulli", "bessel_jn", "beta", "betainc", "betaln", "boxcox", "boxcox1p", "comb",
    "dawsn", "digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp1", "expi", "expit",
    "expn", "factorial", "fresnel", "gamma", "gammainc", "gammaincc", "gammaln", "gammasgn",
    "hyp1f1", "hyp2f1", "i0", "i0e", "i1", "i1e", "kl_div", "log_ndtr", "log_softmax",
    "loggamma", "logit", "logsumexp", "multigammaln", "ndtr", "ndtri", "owens_t", "poch",
    "polygamma", "psi", "rel_entr", "sici", "softmax", "spence", "sph_harm_y", "wofz",
    "xlog1py", "xlogy", "zeta",
]
