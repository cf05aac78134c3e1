"""The calls checked against torch 2.13, shared by the fixture generator (run with torch)
and the tests (run with funtorch): each case is one expression over the module ``T``
(``torch`` or ``funtorch``) and the named inputs below, so both sides run the same text.

Inputs are float64 unless named otherwise; the gradient of every float output (weighted
by a fixed cotangent) is recorded for each float input the expression uses.
"""

import re

import numpy as np

# name -> (shape, kind); kinds: f normal, p positive, q in (-0.9, 0.9), i small ints,
# m bool mask, g gather index for `a` along dim 1, s scatter index for `a` along dim 0,
# v int index vector into dim 1 of `a`, sq/spd well-conditioned square matrices
INPUTS = {
    "a": ((3, 4), "f"), "b": ((3, 4), "f"), "r": ((4,), "f"), "z": ((), "f"),
    "e": ((0, 4), "f"), "c": ((2, 3, 4), "f"), "ct": ((2, 4, 3), "f"), "v": ((5,), "f"),
    "p": ((3, 4), "p"), "q": ((3, 4), "q"), "sq": ((3, 3), "sq"), "spd": ((3, 3), "spd"),
    "a2": ((3, 3), "f"), "b2": ((2, 2), "f"), "px": ((1, 8, 2, 3), "f"), "w": ((2,), "p"),
    "c4": ((2, 2, 3), "f"), "n": ((3, 4), "nan"), "i": ((3, 4), "i"), "iv": ((6,), "i"),
    "m": ((3, 4), "m"), "mr": ((4,), "m"), "g": ((3, 2), "g"), "s": ((2, 4), "s"),
    "ix": ((2,), "v"), "bnd": ((3,), "sorted"), "s1": ((1, 4, 1), "f"), "iw": ((3, 5), "i"),
}

FUNCTIONS = [
    # reductions: dim / keepdim / negative dim / tuples / 0-d / empty, torch's dtypes
    "T.sum(a, dim=1)", "T.sum(a, dim=(0, 1), keepdim=True)", "T.sum(m, dim=0)",
    "T.sum(i, dim=-1)", "T.sum(z, dim=0)", "T.sum(e, dim=0)", "T.prod(a, dim=1)",
    "T.mean(a, dim=-1, keepdim=True)", "T.mean(e, dim=1)", "T.mean(i, dim=0)",
    "T.std(a, dim=0)", "T.var(a, dim=1, unbiased=False)", "T.var(a, dim=1, correction=0)",
    "T.std(a, dim=(0, 1), keepdim=True)", "T.var_mean(a, dim=1)", "T.std_mean(a)",
    "T.nansum(n, dim=1)", "T.nanmean(n, dim=0)",
    "T.max(a, dim=1)", "T.min(a, dim=-1, keepdim=True)", "T.max(z, dim=0)", "T.max(a, b)",
    "T.min(a, b)", "T.max(e, dim=1)", "T.amax(a, dim=(0, 1))", "T.amin(a, dim=-1)",
    "T.aminmax(a, dim=0)", "T.argmax(a, dim=1, keepdim=True)", "T.argmin(a, dim=0)",
    "T.all(m, dim=1)", "T.any(m, dim=0, keepdim=True)", "T.logsumexp(a, dim=1)",
    "T.logsumexp(a, dim=(0, 1))", "T.cumsum(i, dim=0)", "T.cumsum(m, dim=1)",
    "T.cumprod(a, dim=1)", "T.count_nonzero(m, dim=0)",
    # order statistics and their named tuples
    "T.sort(a, dim=1, descending=True)", "T.sort(a, dim=0)", "T.sort(z, dim=0)",
    "T.argsort(a, dim=-1, descending=True)", "T.topk(a, 2)",
    "T.topk(a, 2, dim=0, largest=False)",
    "T.kthvalue(a, 2, 1)", "T.median(a, dim=1)", "T.median(z, dim=0)", "T.nanmedian(n, dim=1)",
    "T.mode(iw, 1)", "T.cummax(a, 1)", "T.cummin(a, 0)", "T.logcumsumexp(a, 1)",
    "T.msort(a)",
    # shape, split, join
    "T.chunk(v, 3)", "T.split(a, 3, dim=1)", "T.split(a, [1, 3], dim=1)", "T.tensor_split(v, 3)",
    "T.tensor_split(a, [1, 2], dim=1)", "T.unbind(a, 1)", "T.narrow(a, 1, 1, 2)",
    "T.narrow(a, -1, -2, 2)", "T.movedim(c, 0, -1)", "T.swapdims(c, 0, 2)", "T.t(a)",
    "T.adjoint(c)", "T.flatten(c, 1)", "T.unflatten(a, 1, (2, 2))", "T.squeeze(s1, dim=0)",
    "T.squeeze(s1, dim=(0, 2))", "T.flip(a, dims=(0,))", "T.roll(a, shifts=1, dims=1)",
    "T.rot90(a, 1, (0, 1))", "T.transpose(c, 0, 2)", "T.stack([a, b], dim=-1)",
    "T.tril(a, diagonal=-1)", "T.triu(a, diagonal=1)", "T.diagonal(c, 0, 1, 2)",
    "T.repeat_interleave(v, 2)", "T.block_diag(a, b2)", "T.cartesian_prod(r, w)",
    "T.combinations(v)", "T.diag_embed(a)", "T.diag_embed(a, 1)",
    "T.take_along_dim(a, g, dim=1)",
    "T.broadcast_tensors(a, r)", "T.row_stack([a, b])", "T.clone(a)", "T.numel(c)",
    # gathers and scatters
    "T.gather(a, 1, g)", "T.scatter(a, 1, g, b[:, :2])", "T.scatter(a, 1, g, 2.5)",
    "T.scatter_add(a, 0, s, b[:2])", "T.scatter_reduce(a, 0, s, b[:2], 'amax')",
    "T.scatter_reduce(a, 0, s, b[:2], 'mean', include_self=False)", "T.index_select(a, 1, ix)",
    "T.index_add(a, 1, ix, a[:, :2], alpha=2)", "T.index_fill(a, 1, ix, -1.0)",
    "T.index_copy(a, 1, ix, b[:, :2])", "T.masked_fill(a, m, 0.5)",
    "T.masked_fill(a, mr, 0.5)",
    "T.masked_select(a, m)", "T.masked_scatter(a, m, b)", "T.index_put(a, (ix,), r, True)",
    "T.select_scatter(a, r, 0, 1)", "T.slice_scatter(a, b[:, :2], 1, 0, 4, 2)",
    "T.diagonal_scatter(a, r[:3], 0)",
    # elementwise, broadcasting, integer division
    "T.add(a, r, alpha=2)", "T.sub(a, b, alpha=0.5)", "T.mul(a, r)", "T.div(i, 3)",
    "T.div(i, 3, rounding_mode='trunc')", "T.div(a, b, rounding_mode='floor')",
    "T.true_divide(i, 2)", "T.neg(a)", "T.rsqrt(p)", "T.frac(a)", "T.fix(a)",
    "T.lerp(a, b, 0.3)", "T.lerp(a, b, p)", "T.addcmul(a, b, r, value=0.5)",
    "T.addcdiv(a, b, p, value=2)", "T.addmm(a2, a2, sq, beta=0.5, alpha=2)",
    "T.addmv(r[:3], a, r, beta=2)", "T.addr(a, r[:3], r)", "T.baddbmm(c[:, :, :3], c, ct)",
    "T.addbmm(a2, c, ct)", "T.mv(a, r)", "T.ger(r, v)", "T.clamp_min(a, 0.1)",
    "T.clamp_max(a, b)", "T.eq(a, b)", "T.ge(a, r)", "T.lt(i, 2)", "T.xlogy(p, p)",
    "T.erfc(a)", "T.erfinv(q)", "T.lgamma(p)", "T.digamma(p)", "T.polygamma(1, p)",
    "T.mvlgamma(p + 2, 2)", "T.igamma(p.detach(), q.abs())", "T.logit(q.abs(), eps=0.1)", "T.sgn(a)",
    "T.fill(a, 2.0)",
    # linear algebra and distances
    "T.det(sq)", "T.slogdet(sq)", "T.logdet(spd)", "T.inverse(sq)", "T.cholesky(spd)",
    "T.pinverse(a)", "T.matrix_power(sq, 3)", "T.matrix_exp(a2 / 4)", "T.svd(a).S",
    "T.qr(a.T).R.abs()", "T.cholesky_solve(a2, T.cholesky(spd))",
    "T.cholesky_inverse(T.cholesky(spd))", "T.norm(a)", "T.norm(a, p=1, dim=1)",
    "T.norm(a, dim=0, keepdim=True)", "T.frobenius_norm(c, dim=(1, 2))", "T.dist(a, b, 3)",
    "T.cdist(a, b)", "T.cdist(c, c, p=1)", "T.pdist(a)", "T.cosine_similarity(a, b)",
    "T.cosine_similarity(a, b, dim=0)",
    # layer functions, windows, predicates
    "T.softmax(a, 1)", "T.log_softmax(a, -1)", "T.pixel_shuffle(px, 2)",
    "T.pixel_unshuffle(T.pixel_shuffle(px, 2), 2)", "T.rms_norm(a, (4,))",
    "T.prelu(c4, w)", "T.hardshrink(a, 0.5)", "T.threshold(a, 0.1, 20.0)", "T.selu(a)",
    "T.celu(a)", "T.layer_norm(a, (4,))", "T.hann_window(8)", "T.hamming_window(5, False)",
    "T.bartlett_window(7)", "T.blackman_window(6)", "T.kaiser_window(6)",
    "T.histc(v, 4)", "T.bucketize(v, bnd)", "T.bucketize(v, bnd, right=True)",
    "T.range(0, 1, 0.25)", "T.unique_consecutive(iv)", "T.cumulative_trapezoid(a)",
    "T.trapz(a)", "T.is_floating_point(i)", "T.is_tensor(a)",
    # NumPy names called with torch keywords
    "T.concatenate([a, b], dim=1)", "T.clip(a, min=-0.5, max=0.5)",
    "T.cross(a[:, :3], b[:, :3], dim=1)", "T.unique(iw, dim=1)",
    "T.unique(i, return_inverse=True, return_counts=True)", "T.nonzero(m, as_tuple=False)",
    "T.histogram(v.detach(), 3, weight=T.ones_like(v))", "T.cov(a, correction=0)",
    "T.quantile(a, 0.3, dim=1, keepdim=True)", "T.searchsorted(bnd, v, right=True)",
    "T.diag(a, diagonal=1)", "T.diff(a, dim=0)", "T.cumsum(a, dim=-1)",
    # refusals with torch's wording
    "T.std(i, dim=0)", "T.var(m, dim=1)",
]

METHODS = [
    "a.sum(1)", "i.mean(dim=0)", "a.sum(dim=1, keepdim=True)", "m.sum(0)", "a.mean(1)", "a.var(0)",
    "a.std(1, keepdim=True)", "a.max(1)", "a.min(dim=0)", "a.max(b)", "a.argmax(1)",
    "a.cumsum(1)", "i.cumsum(0)", "a.prod(1)", "m.all(1)", "m.any(0)", "a.logsumexp(1)",
    "s1.squeeze(0)", "a.flip(0)", "a.sort(1, descending=True)", "a.argsort(0)",
    "a.repeat(2, 1)", "a.tile((1, 2))", "a.dim()", "a.numel()", "a.nelement()",
    "a.new_zeros(2, 3)", "a.new_ones((2,))", "a.new_full((2,), 3.0)", "a.type_as(i)",
    "a.view_as(b)", "r.expand_as(a)", "a.nonzero()", "iv.unique(return_counts=True)",
    "iv.unique(return_inverse=True)", "a.sum_to_size(1, 4)", "a.renorm(2, 0, 1.0)",
    "a.where(m, b)", "a.unfold(1, 2, 1)", "a.t()", "a.add(b, alpha=2)", "a.sub(b)",
    "a.mul(b)", "a.div(b)", "i.div(2)", "a.pow(2)", "a.masked_fill(m, 0.0)",
    "a.gather(1, g)", "a.index_select(1, ix)", "a.softmax(-1)", "a.log_softmax(1)",
    "a.topk(3)", "a.kthvalue(2)", "a.median()", "a.median(0)", "a.chunk(2, 1)",
    "a.split(2, 1)", "a.unbind(0)", "a.narrow(0, 1, 2)", "a.movedim(0, 1)",
    "a.cummax(1)", "a.clone()", "a.norm()", "a.norm(1, 1)", "a.dist(b)", "a.lerp(b, 0.5)",
    "a.clamp_min(0.0)", "a.frac()", "a.trunc()", "a.neg()", "a.rsqrt().isnan()",
    "p.rsqrt()", "a.exp2()", "a.log2().isnan()", "p.log10()", "a.sinh()", "a.cosh()",
    "q.asin()", "q.acos()", "a.atan()", "a.atan2(b)", "p.acosh()", "a.asinh()",
    "q.atanh()", "a.hypot(b)", "a.copysign(b)", "a.fmod(b)", "a.remainder(b)",
    "a.float_power(2)", "a.fmax(b)", "a.fmin(b)", "a.logaddexp(b)", "a.logaddexp2(b)",
    "a.xlogy(p)", "p.lgamma()", "p.digamma()", "q.erfinv()", "a.erf()", "a.erfc()",
    "a.sinc()", "a.deg2rad()", "a.rad2deg()", "a.sigmoid()", "a.relu()", "a.signbit()",
    "a.detach().heaviside(b.detach())", "a.isclose(b)", "a.allclose(a)", "a.equal(a)",
    "a.eq(b)", "a.ne(b)",
    "a.gt(b)", "a.le(b)", "m.logical_not()", "m.logical_and(m)", "i.bitwise_and(3)",
    "i.bitwise_left_shift(1)", "i.gcd(iw[:, :4])", "a.diag_embed()", "a.diagonal()",
    "a2.diag()", "a2.trace()", "a2.det()", "a2.inverse()", "spd.cholesky()",
    "a2.matrix_power(2)", "a2.triu(1)", "a2.tril()", "a.mm(a.T)", "c.bmm(ct)",
    "a.mv(r)", "r.outer(v)", "r.inner(r)", "r.vdot(r)", "r.kron(w)",
    "a[:, :3].cross(b[:, :3], dim=1)",
    "a.roll(1, 0)", "a.rot90()", "a.fliplr()", "a.diff()", "a.diff(dim=0)",
    "a.count_nonzero()", "a.nansum(1)", "n.nanmean()", "n.nanmedian()", "a.amax(1)",
    "a.aminmax()", "a.logcumsumexp(0)", "a.msort()", "iw.mode()", "a.histc(3)",
    "iv.bincount(minlength=7)", "a.bool()", "a.int()", "a.short()", "p.byte()", "p.char()",
    "a.is_floating_point()",
    "i.is_signed()", "a.is_same_size(b)", "a.expm1()", "a.log1p().isnan()",
    "a.positive()", "a.negative()", "a.absolute()", "a.swapdims(0, 1)", "a.adjoint()",
    "a.unflatten(1, (2, 2))", "a.take_along_dim(g, 1)", "a.repeat_interleave(2, 0)",
    "a.masked_select(m)", "a.index_add(0, s[0, :3] % 3, a, alpha=0.5)",
    "a.scatter(1, g, b[:, :2])", "a.scatter_add(0, s, b[:2])", "a.cov()", "a.corrcoef()",
    "a.argwhere()", "a.isfinite()", "a.isnan()", "a.isinf()", "a.isposinf()",
    "a.nan_to_num()", "a.detach().nextafter(b.detach())", "a.ldexp(i)", "a.logit(0.2).isnan()",
    # torch's positional orders where NumPy's differ (a 2-D swap; nan before posinf)
    "a.transpose(0, 1)", "a.transpose(1, 0)", "c.transpose(0, 1)", "T.transpose(a, 0, 1)",
    "n.nan_to_num(5.0)", "T.nan_to_num(n, 5.0)", "(a.detach() / 0.0).nan_to_num(5.0, 9.0, -9.0)",
]


def names_in(expression):
    """The input names an expression uses, in INPUTS order."""
    used = set(re.findall(r"\b([a-z][a-z0-9]*)\b", expression))
    return [name for name in INPUTS if name in used]


def make_inputs(seed=0):
    """The NumPy inputs (float64, int64, bool)."""
    rng = np.random.RandomState(seed)
    out = {}
    for name, (shape, kind) in INPUTS.items():
        if kind == "f":
            value = rng.randn(*shape)
        elif kind == "p":
            value = rng.uniform(0.2, 2.0, shape)
        elif kind in ("q",):
            value = rng.uniform(-0.9, 0.9, shape)
        elif kind == "nan":
            value = rng.randn(*shape)
            value[rng.rand(*shape) < 0.3] = np.nan
        elif kind == "i":
            value = rng.randint(0, 4, shape).astype(np.int64)
        elif kind == "m":
            value = rng.rand(*shape) < 0.5
        elif kind == "g":
            value = rng.randint(0, 4, shape).astype(np.int64)
        elif kind == "s":
            value = rng.randint(0, 3, shape).astype(np.int64)
        elif kind == "v":
            value = np.array([2, 0], dtype=np.int64)
        elif kind == "sorted":
            value = np.array([-0.5, 0.0, 0.7])
        elif kind == "sq":
            value = rng.randn(*shape) + 3 * np.eye(shape[0])
        else:  # spd
            root = rng.randn(*shape)
            value = root @ root.T + shape[0] * np.eye(shape[0])
        out[name] = value
    return out


def cotangent(shape):
    """The fixed weights of an output in the scalar whose gradient is recorded."""
    size = int(np.prod(shape)) if shape else 1
    return (np.cos(np.arange(size)) + 0.5).reshape(shape)
