"""``einsum``: one primitive over a canonical spec, and NumPy's subscript language.

The primitive's ``spec`` is ``(input terms, output)`` in letters only: no ellipsis and
no broadcasting (``einsum`` resolves both before binding). The cotangent of an operand
is an einsum of ``g`` with the other operands; labels summed inside that operand alone
are restored by broadcasting, repeated labels (``"ii->i"``) by an identity factor.
"""

from __future__ import annotations

import functools
import types
from collections import Counter

import numpy as np

from funtorch.core import Primitive, bind
from funtorch.ops import registry as R
from funtorch.ops.buffer_vjp import bind_buffers
from funtorch.ops.logic import convert_p
from funtorch import ops
from funtorch.typing import Array, ArrayLike

# Upper case first, so that sorting labels sorts NumPy's integer sublist labels too.
# string.ascii_uppercase + ascii_lowercase (importing string: ~1 ms of import funtorch)
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_MAX_OPERANDS = 64  # rules per operand; scalars carry no labels, so the count is not 52


# The primitive ---------------------------------------------------------------------------


def _einsum_shape(*operands, spec):
    ins, out = spec
    if len(ins) != len(operands):
        raise ValueError(f"einsum: spec {spec} names {len(ins)} operands, got {len(operands)}")
    sizes = {}
    for index, (term, x) in enumerate(zip(ins, operands)):
        if len(term) != len(x.shape):
            raise ValueError(f"einsum: operand {index} has shape {tuple(x.shape)} but its "
                             f"subscripts {term!r} name {len(term)} dimensions")
        for label, n in zip(term, x.shape):
            seen = sizes.setdefault(label, (n, index, tuple(x.shape)))
            if seen[0] != n:
                raise ValueError(f"einsum: label {label!r} has size {seen[0]} in operand "
                                 f"{seen[1]} (shape {seen[2]}) but size {n} in operand {index} "
                                 f"(shape {tuple(x.shape)})")
    if any(c not in sizes for c in out) or len(set(out)) != len(out):
        raise ValueError(f"einsum: output {out!r} of spec {spec} must name distinct input labels")
    return tuple(sizes[c][0] for c in out), np.result_type(*(x.dtype for x in operands))


def _einsum_impl(xp, *operands, spec):
    ins, out = spec
    # A contraction path (pairwise, through BLAS) pays off for 3+ operands or large ones;
    # for small ones its planning costs more than the product (30us against 5us).
    plan = len(operands) > 2 or (len(operands) == 2 and max(x.size for x in operands) > 1024)
    return xp.einsum(",".join(ins) + "->" + out, *operands, optimize=plan)


def _contract(ins, out, *operands, xp=None):
    """``einsum`` on a canonical spec, skipping identities and plain permutations (``xp``:
    funtorch's functions, or ``_BUFFERS`` on backend arrays)."""
    xp = xp or _ARRAYS
    if len(ins) == 1 and len(set(ins[0])) == len(ins[0]) and sorted(ins[0]) == sorted(out):
        return xp.transpose(operands[0], [ins[0].index(c) for c in out])
    return xp.bind(einsum_p, *operands, spec=(tuple(ins), out))


def _spread(ct, subs, term, sizes, xp):
    """Lay out ``ct`` (labelled by distinct ``subs``) as ``term``, whose labels may repeat:
    a repeated label puts ``ct`` on a diagonal (multiplication by an identity)."""
    renamed, eyes, eye_subs = "", [], []
    fresh = (c for c in _LETTERS if c not in term)
    for label in term:
        if label in renamed:
            new = next(fresh)
            eyes.append(xp.eye(sizes[label], ct))
            eye_subs.append(label + new)
            renamed += new
        else:
            renamed += label
    return _contract((subs,) + tuple(eye_subs), renamed, ct, *eyes, xp=xp)


def _einsum_vjp(index):
    def rule(g, ans, *operands, spec, xp=None):  # xp=_BUFFERS: the buffer rule
        xp = xp or _ARRAYS
        ins, out = spec
        term, x = ins[index], operands[index]
        others = [j for j in range(len(ins)) if j != index]
        reached = set(out).union(*(ins[j] for j in others))
        unique = "".join(dict.fromkeys(term))
        kept = "".join(c for c in unique if c in reached)
        ct = _contract((out,) + tuple(ins[j] for j in others), kept, g,
                       *(operands[j] for j in others), xp=xp)
        sizes = dict(zip(term, x.shape))
        lonely = tuple(c for c in unique if c not in reached)
        if lonely:  # labels summed inside this operand alone: the cotangent is constant along them
            ct = xp.reshape(ct, ct.shape + (1,) * len(lonely))
            ct = xp.broadcast_to(ct, ct.shape[:len(kept)] + tuple(sizes[c] for c in lonely))
            kept += "".join(lonely)
        ct = _spread(ct, kept, term, sizes, xp)
        # a real operand meeting a complex one: the real part (astype would warn)
        return ct if ct.dtype == x.dtype else xp.bind(convert_p, ct, dtype=x.dtype)
    return rule


_ARRAYS = types.SimpleNamespace(
    transpose=lambda x, perm: ops.transpose(x, perm), reshape=lambda x, s: ops.reshape(x, s),
    broadcast_to=lambda x, s: ops.broadcast_to(x, s),
    eye=lambda n, like: ops.eye(n, dtype=like.dtype, device=like.device), bind=bind)
_BUFFERS = types.SimpleNamespace(
    transpose=np.transpose, reshape=np.reshape, broadcast_to=np.broadcast_to,
    eye=lambda n, like: np.eye(n, dtype=like.dtype), bind=bind_buffers)


def _einsum_jvp(index):
    def rule(t, ans, *operands, spec):
        return bind(einsum_p, *operands[:index], t, *operands[index + 1:], spec=spec)
    return rule


def _einsum_batch(args, bdims, spec):
    ins, out = spec
    label = next(c for c in _LETTERS if c not in "".join(ins) + out)
    moved = [x if d is None else R.move_bdim(x, d) for x, d in zip(args, bdims)]
    terms = tuple(t if d is None else label + t for t, d in zip(ins, bdims))
    return bind(einsum_p, *moved, spec=(terms, label + out)), 0


_EINSUM_SAMPLES = [
    ((("ij", "jk"), "ik"), [(2, 3), (3, 4)]), ((("ii",), "i"), [(3, 3)]),
    ((("ii",), ""), [(3, 3)]), ((("ij", "ij"), ""), [(2, 3), (2, 3)]),
    ((("bij", "bjk"), "bik"), [(2, 2, 3), (2, 3, 2)]), ((("ij",), "i"), [(2, 3)]),
    ((("i", "j"), "ij"), [(2,), (3,)]), ((("iij", "jk"), "ki"), [(2, 2, 3), (3, 2)]),
    ((("ij", "jk", "kl"), "il"), [(2, 3), (3, 2), (2, 2)]), ((("ij", "k"), "ikj"), [(2, 3), (2,)]),
]


def _einsum_samples(s):
    spec, shapes = s.choice(_EINSUM_SAMPLES)
    return tuple(s.array(shape) for shape in shapes), {"spec": spec}


einsum_p = Primitive("einsum", _einsum_impl, shape=_einsum_shape,
                     vjp=tuple(_einsum_vjp(i) for i in range(_MAX_OPERANDS)),
                     vjp_buf=tuple(functools.partial(_einsum_vjp(i), xp=_BUFFERS)
                                   for i in range(_MAX_OPERANDS)),
                     jvp=tuple(_einsum_jvp(i) for i in range(_MAX_OPERANDS)),
                     batch=_einsum_batch, samples=_einsum_samples, complex=True)


# NumPy's subscripts ------------------------------------------------------------------------


def _check_term(term, subscripts):
    if term.count("...") > 1 or any(c != "." and c not in _LETTERS for c in term) or \
            term.replace("...", "").count("."):
        raise ValueError(f"einsum: invalid subscripts {subscripts!r}: use letters a-z, A-Z, "
                         f"',' between operands, '->' before the output and '...' at most once "
                         f"per term (bad term {term!r})")


def _sublists_to_string(args):
    """NumPy's interleaved form ``einsum(x, [0, 1], y, [1, 2], [0, 2])`` -> string form."""
    def letters(sub):
        return "".join("..." if k is Ellipsis else _LETTERS[int(k)] for k in sub)
    out = ""
    if len(args) % 2:
        out, args = "->" + letters(args[-1]), args[:-1]
    return ",".join(letters(sub) for sub in args[1::2]) + out, list(args[0::2])


def _parse_einsum(subscripts, shapes):
    """NumPy subscripts -> canonical ``(input terms, output)`` with ellipses spelled out."""
    spec = subscripts.replace(" ", "")
    lhs, arrow, out = spec.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes) or out.count("->"):
        raise ValueError(f"einsum: subscripts {subscripts!r} name {len(terms)} operands but "
                         f"{len(shapes)} were given")
    for term in terms + [out]:
        _check_term(term, subscripts)
    fresh = [c for c in _LETTERS if c not in spec]
    ranks = []
    for index, (term, shape) in enumerate(zip(terms, shapes)):
        named = len(term.replace("...", ""))
        rank = len(shape) - named if "..." in term else 0
        if rank < 0 or ("..." not in term and named != len(shape)):
            raise ValueError(f"einsum: operand {index} has shape {tuple(shape)} ({len(shape)} "
                             f"dims) but its subscripts {term!r} name {named}; add '...' to "
                             "cover leading dimensions")
        ranks.append(rank)
    ellipsis = "".join(fresh[:max(ranks, default=0)])
    terms = [t.replace("...", ellipsis[len(ellipsis) - r:]) for t, r in zip(terms, ranks)]
    if not arrow:
        counts = Counter("".join(terms))
        return tuple(terms), ellipsis + "".join(
            sorted(c for c, n in counts.items() if n == 1 and c not in ellipsis))
    if ellipsis and "..." not in out:
        raise ValueError(f"einsum: {subscripts!r}: the operands have dimensions under '...' "
                         "but the output names no '...'; write '...' in the output")
    out = out.replace("...", ellipsis)
    for label in out:
        if out.count(label) > 1 or label not in "".join(terms):
            raise ValueError(f"einsum: output label {label!r} in {subscripts!r} must appear "
                             "once in the output and in some operand")
    return tuple(terms), out


def _broadcast_labels(terms, operands):
    """Broadcast size-1 dims so every label has one size across operands (NumPy allows it)."""
    sizes = {}
    for index, (term, x) in enumerate(zip(terms, operands)):
        for label, n in zip(term, x.shape):
            size, where = sizes.get(label, (1, None))
            if size == 1:
                sizes[label] = (n, (index, x.shape))
            elif n not in (1, size):
                raise ValueError(f"einsum: label {label!r} has size {size} in operand {where[0]} "
                                 f"(shape {tuple(where[1])}) but size {n} in operand {index} "
                                 f"(shape {tuple(x.shape)})")
    return [ops.broadcast_to(x, tuple(sizes[c][0] for c in term))
            for term, x in zip(terms, operands)]


def einsum(subscripts: str, *operands: ArrayLike) -> Array:
    """Einstein summation, as ``numpy.einsum``: explicit (``"ij,jk->ik"``) and implicit
    (``"ij,jk"``) output, ``...`` broadcasting, repeated labels (``"ii->i"``, ``"ii"``) and
    the interleaved form ``einsum(x, [0, 1], y, [1, 2])``.

    Args:
        subscripts: the comma-separated input labels and optional ``->`` output labels (or,
            in the interleaved form, the first operand).
        *operands: the arrays, one per input term (interleaved form: each array followed by
            its list of integer labels, and optionally a final output list).

    Returns:
        An array of the promoted dtype whose axes follow the output labels (implicit form:
        the labels seen once, in alphabetical order).

    Raises:
        ValueError: malformed subscripts, a wrong number of operands or mismatched sizes.

    Example:
        >>> ft.einsum("ij,jk->ik", ft.ones((2, 3)), ft.ones((3, 4))).shape
        (2, 4)
    """
    if not isinstance(subscripts, str):
        subscripts, operands = _sublists_to_string((subscripts,) + operands)
    if not operands:
        raise ValueError("einsum: expected at least one operand after the subscripts")
    operands = R.promote_all([R.as_array(x) for x in operands])
    terms, out = _parse_einsum(subscripts, [x.shape for x in operands])
    operands = _broadcast_labels(terms, operands)
    return _contract(terms, out, *operands)
