"""Docstrings that factories write at import, read from a generated table instead.

The Array methods made in loops (``ops/tensor_methods.py``, ``ops/methods.py``,
``ops/inplace.py``) get docstrings written from the functions they call: the summary, the
Args without the array, the example rewritten in method form (``ft.sum(x, 0)`` ->
``x.sum(0)``, parsed with ``ast``). Writing ~450 of them cost ~70 ms of ``import funtorch``'s
~280 ms. A factory now calls ``doc(key, build)``: the text comes from
``funtorch/ops/generated_docs.py`` (written by ``python tools/gen_method_docs.py``), and
``build``, the code that writes it, runs only for a key the table lacks (a method added
since the table was last written). ``tests/ops/test_generated_docs.py`` fails while an entry
differs from what its ``build`` returns, so the table never drifts from the code.
"""

from __future__ import annotations

from collections.abc import Callable

from funtorch.ops.generated_docs import DOCS

# key -> the function that writes its docstring (the generator and the test call them all)
BUILDERS: dict[str, Callable[[], str]] = {}


def doc(key: str, build: Callable[[], str]) -> str:
    """The docstring ``build()`` writes, from the generated table when it has ``key``.

    Args:
        key: a name unique among the factories (``"tensor_methods.sum"``).
        build: writes the docstring (called here only when the table lacks ``key``).

    Returns:
        The docstring.

    Example:
        >>> from funtorch.ops.doc_cache import BUILDERS, doc
        >>> doc("tensor_methods.sum", BUILDERS["tensor_methods.sum"]) == ft.Array.sum.__doc__
        True
    """
    BUILDERS[key] = build
    text = DOCS.get(key)
    return build() if text is None else text
