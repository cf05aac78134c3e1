"""Where ``ft.data`` gets its randomness: a ``seed=``, a key, or the global generator.

Every random order is a pure function of a base key (two uint32 words, stored as a JSON
list in iterator states) and an epoch number, so ``state()``/``restore()`` rebuild it
exactly instead of storing it.
"""

from __future__ import annotations

import numpy as np

import funtorch as ft

_SEED_BOUND = 2**31 - 1


def draw_seed() -> int:
    """An int seed drawn from the PyTorch-style global generator (``ft.manual_seed``)."""
    return int(ft.randint(0, _SEED_BOUND, ()).item())


def key_data(generator, seed, fn):
    """The base key as two ints, or None when neither ``generator`` nor ``seed`` is given.

    ``generator`` is an ``ft.random`` key or a ``numpy.random.Generator``.
    """
    if generator is not None and seed is not None:
        raise ValueError(f"{fn}: pass generator or seed, not both")
    if seed is not None:
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            raise TypeError(f"{fn}: seed must be an int, got {type(seed).__name__}")
        return ft.random.key(int(seed)).tolist()
    if generator is None:
        return None
    if isinstance(generator, np.random.Generator):
        return ft.random.key(int(generator.integers(_SEED_BOUND))).tolist()
    if isinstance(generator, (ft.Array, np.ndarray)) and tuple(generator.shape) == (2,) and (
            np.dtype(generator.dtype) == np.uint32):
        return [int(word) for word in generator.tolist()]
    raise TypeError(f"{fn}: generator must be an ft.random key (uint32[2]) or a "
                    f"numpy.random.Generator, got {type(generator).__name__}")


def resolve_key_data(generator, seed, fn):
    """Like :func:`key_data`, drawing from the global generator when nothing is given."""
    data = key_data(generator, seed, fn)
    return ft.random.key(draw_seed()).tolist() if data is None else data


def epoch_key(data, epoch: int):
    """The ``ft.random`` key of one epoch: ``fold_in(base_key, epoch)``."""
    return ft.random.fold_in(ft.array(data, dtype=np.uint32), int(epoch))


def path_key(data, path):
    """The key of a nested epoch ``path`` (a tuple of ints): ``fold_in`` once per level."""
    key = epoch_key(data, path[0])
    for level in path[1:]:
        key = ft.random.fold_in(key, int(level))
    return key


def permutation(key, n: int) -> list:
    """A random permutation of ``range(n)`` as a list of ints."""
    return ft.random.permutation(key, n).tolist() if n else []


def derived_seed(seed: int, *path: int) -> int:
    """A 31-bit seed that is a pure function of ``seed`` and the ints in ``path``."""
    return int(np.random.SeedSequence([int(seed), *map(int, path)]).generate_state(1)[0]
               & _SEED_BOUND)
