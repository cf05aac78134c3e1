"""Special functions, as ``scipy.special`` and ``jax.scipy.special`` spell them."""

from funtorch.special._error import (  # noqa: F401
    dawsn, erf, erfc, erfcx, erfinv, log_ndtr, ndtr, ndtri,
)
from funtorch.special._gamma import (  # noqa: F401
    bernoulli, digamma, factorial, gamma, gammaln, gammasgn, loggamma, multigammaln,
    polygamma, psi, zeta,
)
from funtorch.special._misc import (  # noqa: F401
    boxcox, boxcox1p, entr, expit, kl_div, log_softmax, logit, logsumexp, rel_entr, softmax,
    xlog1py, xlogy,
)
from funtorch.special._incomplete import (  # noqa: F401
    beta, betainc, betaln, comb, gammainc, gammaincc, poch,
)
from funtorch.special._expint import exp1, expi, expn, fresnel, sici, spence  # noqa: F401
from funtorch.special._bessel import bessel_jn, i0, i0e, i1, i1e  # noqa: F401
from funtorch.special._hyper import hyp1f1, hyp2f1, owens_t  # noqa: F401
