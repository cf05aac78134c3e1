"""``torch.*``'s random draws from the global generator (``ft.manual_seed``): ``rand_like``,
``bernoulli``, ``multinomial``, ``normal``, ``poisson``, the seed and the state (re-exported
by :mod:`.torch_extra`).

``generator`` sits above ``ops``; each draw imports it when called.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.core import Array
from funtorch.ops.torch_args import as_array, refuse_out
from funtorch.typing import ArrayLike, DTypeLike, ShapeLike


def _generator():
    return importlib.import_module("funtorch.generator")


def rand_like(input: ArrayLike, *, dtype: DTypeLike = None, device: Any = None,  # noqa: A002
              requires_grad: bool = False) -> Array:
    """Uniform [0, 1) draws shaped like ``input`` (the global generator).

    Args:
        input: an array-like giving the shape (and the dtype when floating).
        dtype: the dtype (None: ``input``'s when floating, else the default float).
        device: accepted for torch compatibility (CPU).
        requires_grad: make the result a leaf that records gradients.

    Returns:
        An array of ``input``'s shape.

    Raises:
        TypeError: ``input`` is complex (draw the real and imaginary parts instead).

    Example:
        >>> u = ft.rand_like(ft.zeros((2, 3)))
        >>> u.shape, bool(((u >= 0) & (u < 1)).all())
        ((2, 3), True)
    """
    x = as_array(input)
    return _generator().rand(*x.shape, dtype=dtype or _float_of(x), requires_grad=requires_grad)


def randn_like(input: ArrayLike, *, dtype: DTypeLike = None, device: Any = None,  # noqa: A002
               requires_grad: bool = False) -> Array:
    """Standard normal draws shaped like ``input`` (the global generator).

    Args:
        input: an array-like giving the shape (and the dtype when floating); complex
            raises TypeError as in :func:`rand_like`.
        dtype: the dtype (None: ``input``'s when floating, else the default float).
        device: as in :func:`rand_like`.
        requires_grad: as in :func:`rand_like`.

    Returns:
        An array of ``input``'s shape.

    Example:
        >>> z = ft.randn_like(ft.zeros((2, 3), dtype=ft.float64))
        >>> z.shape, str(z.dtype)
        ((2, 3), 'float64')
    """
    x = as_array(input)
    return _generator().randn(*x.shape, dtype=dtype or _float_of(x),
                              requires_grad=requires_grad)


def randint_like(input: ArrayLike, low: int = 0, high: int | None = None, *,  # noqa: A002
                 dtype: DTypeLike = None, device: Any = None) -> Array:
    """Integers in ``[low, high)`` shaped like ``input`` (``randint_like(x, high)``).

    Args:
        input: an array-like giving the shape (and the dtype).
        low: the lowest value; the exclusive upper bound when ``high`` is None.
        high: the exclusive upper bound.
        dtype: the dtype (None: ``input``'s).
        device: accepted for torch compatibility (CPU).

    Returns:
        An array of ``input``'s shape, of ``dtype`` or ``input``'s dtype.

    Example:
        >>> v = ft.randint_like(ft.zeros(5, dtype=ft.int64), 3, 5)
        >>> bool(((v >= 3) & (v < 5)).all()), str(v.dtype)
        (True, 'int64')
    """
    x = as_array(input)
    low, high = (0, low) if high is None else (low, high)
    return ops.astype(_generator().randint(low, high, x.shape), dtype or x.dtype)


def _float_of(x):
    if x.dtype.kind == "c":  # torch draws both parts; funtorch says how to
        raise TypeError(f"random draws of complex dtype ({x.dtype}) are not supported; draw "
                        "the parts and combine them: ft.complex(ft.randn_like(z.real), "
                        "ft.randn_like(z.real))")
    return x.dtype if x.dtype.kind == "f" else None


def randperm(n: int, *, dtype: DTypeLike = np.int64, device: Any = None,
             requires_grad: bool = False) -> Array:
    """A random permutation of ``0..n-1``.

    Args:
        n: the number of elements.
        dtype: the integer dtype of the result.
        device: accepted for torch compatibility (CPU).
        requires_grad: accepted for torch compatibility (no effect).

    Returns:
        A 1-d array of ``n`` distinct integers.

    Example:
        >>> sorted(ft.randperm(4).tolist())
        [0, 1, 2, 3]
    """
    return ops.astype(ops.argsort(_generator().rand(int(n), dtype=np.float64)), dtype)


def bernoulli(input: ArrayLike, p: ArrayLike | None = None, *, generator: Any = None,  # noqa: A002
              out: Any = None) -> Array:
    """0/1 draws with probability ``input`` (or ``p``), in ``input``'s dtype.

    Args:
        input: the probabilities in ``[0, 1]`` (or only the shape and dtype when ``p`` is
            given).
        p: a probability (scalar or broadcasting with ``input``), or None.
        generator: accepted for torch compatibility (the global generator is used).
        out: unsupported (must be None).

    Returns:
        An array of ``input``'s shape and dtype holding 0 and 1.

    Example:
        >>> ft.bernoulli(ft.array([0.0, 1.0])).tolist()
        [0.0, 1.0]
    """
    refuse_out("bernoulli", out)
    x = as_array(input)
    probability = x if p is None else p
    return ops.astype(rand_like(x, dtype=np.float64) < probability, x.dtype)


def multinomial(input: ArrayLike, num_samples: int, replacement: bool = False, *,  # noqa: A002
                generator: Any = None) -> Array:
    """Draw ``num_samples`` category indices per row with probabilities ``input`` (not
    necessarily normalised); without replacement by Gumbel top-k.

    Args:
        input: non-negative weights (k,) or (n, k) over ``k`` categories.
        num_samples: the number of draws per row.
        replacement: draw with replacement (indices may repeat).
        generator: accepted for torch compatibility (the global generator is used).

    Returns:
        An int64 array of shape (num_samples,) or (n, num_samples).

    Raises:
        RuntimeError: ``num_samples`` is larger than ``k`` without replacement.

    Example:
        >>> sorted(ft.multinomial(ft.array([1.0, 1.0, 1.0]), 3).tolist())  # a permutation
        [0, 1, 2]
    """
    p = as_array(input)
    logits = ops.log(ops.astype(p, np.float64))
    shape = p.shape[:-1] + (num_samples if replacement else p.shape[-1], p.shape[-1])
    if replacement:
        gumbel = -ops.log(-ops.log(_generator().rand(*shape, dtype=np.float64)))
        return ops.argmax(logits[..., None, :] + gumbel, axis=-1)
    if num_samples > p.shape[-1]:
        raise RuntimeError("multinomial(): cannot sample n_sample > prob_dist.size(-1) "
                           "samples without replacement")
    gumbel = -ops.log(-ops.log(_generator().rand(*p.shape, dtype=np.float64)))
    return ops.argsort(-(logits + gumbel), axis=-1)[..., :num_samples]


def normal(mean: ArrayLike | None, std: ArrayLike = 1.0, size: ShapeLike | None = None, *,
           generator: Any = None, out: Any = None, dtype: DTypeLike = None) -> Array:
    """Normal draws ``mean + std * randn`` (broadcast, or of ``size`` for scalars).

    Args:
        mean: the mean, a scalar or an array.
        std: the standard deviation, a scalar or an array broadcasting with ``mean``.
        size: the shape of the draws (for scalar ``mean`` and ``std``), or None.
        generator: accepted for torch compatibility (the global generator is used).
        out: unsupported (must be None).
        dtype: the dtype of the standard normal draws (None: the default float).

    Returns:
        An array of ``size`` or of the broadcast shape of ``mean`` and ``std``.

    Example:
        >>> ft.normal(ft.array([0.0, 10.0]), 0.0).tolist()  # std 0: the means
        [0.0, 10.0]
        >>> ft.normal(0.0, 1.0, (2, 3)).shape
        (2, 3)
    """
    refuse_out("normal", out)
    for arg in (mean, std):
        if getattr(arg, "dtype", None) is not None and arg.dtype.kind == "c":
            _float_of(arg)  # raises for complex, as for randn_like
    shape = tuple(size) if size is not None else np.broadcast_shapes(
        np.shape(mean) if not isinstance(mean, Array) else mean.shape,
        np.shape(std) if not isinstance(std, Array) else std.shape)
    return ops.add(mean, ops.multiply(std, _generator().randn(*shape, dtype=dtype)))


def poisson(input: ArrayLike, generator: Any = None) -> Array:  # noqa: A002
    """Poisson draws with rates ``input`` (seeded from the global generator).

    Args:
        input: the non-negative rates.
        generator: accepted for torch compatibility (the global generator is used).

    Returns:
        The counts, an array of ``input``'s shape and dtype (no derivative).

    Example:
        >>> ft.poisson(ft.zeros(2)).tolist()  # rate 0: no event
        [0.0, 0.0]
    """
    rate = as_array(input)
    seed = int(_generator().randint(0, 2 ** 31 - 1, ()).item())
    counts = np.random.default_rng(seed).poisson(np.asarray(rate.detach().numpy()))
    return ops.asarray(counts.astype(rate.dtype))


_SEED = [67280421310721]


def seed() -> int:
    """Seed the global generator from fresh entropy and return the seed.

    Returns:
        The seed, an int in ``[0, 2**63)`` (:func:`initial_seed` returns it from now on).

    Example:
        >>> state = ft.get_rng_state()
        >>> 0 <= ft.seed() < 2 ** 63
        True
        >>> ft.set_rng_state(state)  # back to the draws before
    """
    value = int(np.random.SeedSequence().entropy % (2 ** 63))
    _SEED[0] = value
    _generator().manual_seed(value)
    return value


def initial_seed() -> int:
    """The seed ``ft.seed`` last chose (torch's default seed before that; the seeds given
    to ``ft.manual_seed`` are not recorded).

    Returns:
        An int.

    Example:
        >>> state = ft.get_rng_state()
        >>> chosen = ft.seed()
        >>> ft.initial_seed() == chosen
        True
        >>> ft.set_rng_state(state)
    """
    return _SEED[0]


def get_rng_state() -> Any:
    """The global generator's state (its key array).

    Returns:
        A ``uint32[2]`` array for :func:`set_rng_state`.

    Example:
        >>> state = ft.get_rng_state()
        >>> a = ft.rand(2)
        >>> ft.set_rng_state(state)
        >>> bool((ft.rand(2) == a).all())  # the same draws again
        True
    """
    return _generator().get_key()


def set_rng_state(new_state: Any) -> None:
    """Restore a state returned by :func:`get_rng_state` (a ``uint32[2]`` key).

    Args:
        new_state: a state from :func:`get_rng_state`.

    Raises:
        TypeError: ``new_state`` is not a ``uint32`` array of shape (2,).

    Example:
        >>> state = ft.get_rng_state()
        >>> a = ft.randn(3)
        >>> ft.set_rng_state(state)
        >>> ft.randn(3).tolist() == a.tolist()
        True
    """
    state = as_array(new_state)
    if state.dtype != np.uint32 or state.shape != (2,):
        raise TypeError(f"set_rng_state: expected a state from ft.get_rng_state() (uint32[2]), "
                        f"got {state.dtype}{list(state.shape)}")
    _generator().set_key(state)
