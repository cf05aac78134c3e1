"""Docstring sections written by code: :func:`wrap` (a section entry filled to the line
width without breaking an inline ````literal````), the recurrent layers' Args, Raises and
Shape sections (:func:`rnn_sections`, from each class's constructor signature and kind, so
the six classes of ``rnn.py`` state their shared options once), and the layers' method
docstrings: :func:`sections` writes one from its parts, :func:`method_doc` and
:func:`repr_doc` are the decorators the layer files put on ``forward``/``extra_repr``
(a few lines each instead of a dozen), :func:`rnn_method_docs` documents ``rnn.py``'s."""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Callable
from typing import Any, TypeVar

def add_shape(cls: type, shape: str) -> type:
    """``cls`` with a ``Shape:`` section (``shape``, one line) before its docstring's
    example; for factory-made layers whose Args the factory already wrote."""
    head, sep, example = (cls.__doc__ or "").partition("\n\nExample:")
    cls.__doc__ = f"{head}\n\nShape:\n{wrap(shape, hanging=False)}{sep}{example}"
    return cls


_ARGS = {
    "input_size": "``H_in``, the size of each input vector.",
    "hidden_size": "``H``, the size of the hidden state.",
    "num_layers": "how many recurrent layers are stacked, each reading the previous one's "
                  "output sequence.",
    "nonlinearity": '"tanh" or "relu", applied to the new hidden state.',
    "bias": "learn the biases ``bias_ih``/``bias_hh`` (False: they are None).",
    "batch_first": "the input and ``output`` are ``(N, L, ...)`` instead of ``(L, N, ...)`` "
                   "(the hidden states keep their layout).",
    "dropout": "the probability of dropout on every layer's output but the last's, in "
               "training mode (masks from the global generator).",
    "bidirectional": "each layer also runs over the reversed sequence; the two directions' "
                     "outputs are concatenated (``D = 2``).",
    "proj_size": "{proj}",
    "device": 'the device of the parameters (``"cpu"``; see ``Array.to``), or None.',
    "dtype": "the parameters' float dtype; None for ``ft.get_default_dtype()``.",
    "key": "a PRNG key for the initial parameters, every one drawn from U(-1/sqrt(H), "
           "1/sqrt(H)) as torch does; None draws them from the global generator.",
}
_PROJ_LSTM = ("LSTMP's projection size: with ``proj_size > 0`` each layer and direction has "
              "``weight_hr_l{k}`` ``(proj_size, H)`` and ``h = W_hr (o * tanh(c))``; 0 "
              "disables it.")
_PROJ_OTHER = "keyword-only, LSTM only: anything but 0 raises ValueError."
_GATES = {"RNN": ("", ""), "LSTM": ("4 * ", " (gates i, f, g, o, torch's order)"),
          "GRU": ("3 * ", " (gates r, z, n, torch's order)")}


_LITERAL = re.compile(r"``[^`]*``")
_IRREGULAR = re.compile(r"[^\S ]|  |^ | $")  # white space textwrap would not keep as it is


def wrap(text: str, hanging: bool = True) -> str:
    """``text`` as an indented section entry of at most 96 characters (a docstring's own
    indent of 4 brings it within the 100-column limit), continuation lines indented once
    more when ``hanging``; an inline literal is never split across lines."""
    protected = _LITERAL.sub(lambda m: m.group().replace(" ", "\0"), text)
    indent = "        " if hanging else "    "
    filled = _fill(protected, indent) if protected and not _IRREGULAR.search(protected) else None
    if filled is None:
        filled = textwrap.fill(protected, 92, initial_indent="    ", break_on_hyphens=False,
                               subsequent_indent=indent)
    return filled.replace("\0", " ")


def _fill(text: str, indent: str) -> str | None:
    """``textwrap.fill(text, 92, ...)`` as :func:`wrap` calls it, for words separated by
    single spaces: each line the longest run of words that fits (what textwrap's greedy
    loop keeps), ~5x faster (wrapping at import was ~7 ms of ``import funtorch``). None
    when a word is longer than a line (textwrap breaks it)."""
    lines, first = [], "    "
    while len(first if not lines else indent) + len(text) > 92:
        width = 92 - len(first if not lines else indent)
        cut = text.rfind(" ", 0, width + 1)
        if cut <= 0:
            return None
        lines.append(text[:cut])
        text = text[cut + 1:]
    lines.append(text)
    return first + f"\n{indent}".join(lines)


def _cell_shape(kind: str) -> str:
    if kind == "LSTM":
        return ("Input ``(N, H_in)`` or ``(H_in,)``; ``hx`` a pair ``(h, c)`` of ``(N, H)`` "
                "(or ``(H,)``) arrays, zeros when omitted; output the pair ``(h', c')`` of "
                "their shape.")
    return ("Input ``(N, H_in)`` or ``(H_in,)``; ``hx`` ``(N, H)`` (or ``(H,)``), zeros when "
            "omitted; output ``h'`` of ``hx``'s shape.")


def _stacked_shape(kind: str) -> str:
    h_out = "``H_out = proj_size or H``" if kind == "LSTM" else "``H_out = H``"
    state = ("``hx`` a pair ``(h_0, c_0)``: ``h_0`` ``(D * num_layers, N, H_out)`` and "
             "``c_0`` ``(D * num_layers, N, H)``" if kind == "LSTM" else
             "``hx`` ``(D * num_layers, N, H_out)``")
    result = "``(output, (h_n, c_n))``" if kind == "LSTM" else "``(output, h_n)``"
    return (f"Input ``(L, N, H_in)`` (``(N, L, H_in)`` with ``batch_first``) or unbatched "
            f"``(L, H_in)``; {state} (without ``N`` for unbatched input), zeros when "
            f"omitted. The call returns {result}: ``output`` ``(L, N, D * H_out)`` (the last "
            f"layer's hidden state at every step) and the final states of every layer and "
            f"direction in ``hx``'s layout; ``D = 2`` if bidirectional else 1, {h_out}.")


def rnn_sections(cls: type, kind: str, cell: bool) -> str:
    """``cls``'s docstring with the sections before its example. ``kind``: "RNN", "LSTM" or
    "GRU"; ``cell``: one step (``RNNCell``...) or the stacked sequence layer."""
    proj = _PROJ_LSTM if kind == "LSTM" else _PROJ_OTHER
    args = "\n".join(wrap(f"{name}: " + _ARGS[name].format(proj=proj))
                     for name in inspect.signature(cls).parameters)
    gates, names = _GATES[kind]
    if cell:
        raises = ("ValueError: a size that is not a non-negative integer"
                  + (", or an unknown ``nonlinearity``" if kind == "RNN" else "") + ".")
        shape = (_cell_shape(kind) + f" ``weight_ih`` is ``({gates}H, H_in)``, "
                 f"``weight_hh`` ``({gates}H, H)``{names}.")
    else:
        raises = ("ValueError: a size that is not a non-negative integer, ``num_layers`` "
                  "below 1, ``dropout`` outside ``[0, 1]``, a bad ``proj_size``"
                  + (" or ``nonlinearity``" if kind == "RNN" else "")
                  + "; when called, an input that is not 2-d or 3-d.")
        shape = (_stacked_shape(kind) + f" Layer ``k``'s ``weight_ih_l{{k}}`` is "
                 f"``({gates}H, H_in)`` for ``k = 0``, else ``({gates}H, D * H_out)``, and "
                 f"``weight_hh_l{{k}}`` ``({gates}H, H_out)``{names}; the second direction's "
                 "names end in ``_reverse``.")
    raises += "\nRuntimeError: (when called) a hidden state of the wrong shape."
    head, sep, example = inspect.cleandoc(cls.__doc__ or "").partition("\n\nExample:")
    raises = "\n".join(wrap(line) for line in raises.split("\n"))
    return (f"{head}\n\nArgs:\n{args}\n\nRaises:\n{raises}\n\n"
            f"Shape:\n{wrap(shape, hanging=False)}{sep}{example}")


_Fn = TypeVar("_Fn", bound=Callable[..., Any])
ANY_SHAPE = "an array of any shape ``(*)``."
SAME_SHAPE = "An array of ``input``'s shape and dtype."
KEY_ARG = ("a PRNG key for the random draws (training mode); None takes the next key of the "
           "one ``functional_call(..., key=)`` gave, else the global generator's.")
DROPOUT_RETURNS = ("In training mode an array of ``input``'s shape and dtype, {what} zeroed "
                   "with probability ``p`` and the rest scaled by ``1 / (1 - p)``; in eval mode "
                   "``input`` itself.")


def sections(summary: str, example: str, args: dict[str, str] | None = None,
             returns: str | None = None, raises: str | None = None) -> str:
    """A Google-style docstring: ``summary``, then the ``Args:`` entries (name ->
    description), ``Returns:``, ``Raises:`` (one ``Error: when`` per line) and the
    ``Example:`` (``>>>`` lines and their outputs, newline-separated)."""
    parts = [summary]
    if args:
        parts.append("Args:\n" + "\n".join(wrap(f"{name}: {text}") for name, text in args.items()))
    if returns:
        parts.append("Returns:\n" + wrap(returns, hanging=False))
    if raises:
        parts.append("Raises:\n" + "\n".join(wrap(line) for line in raises.split("\n")))
    parts.append("Example:\n" + "\n".join(f"    {line}" for line in example.split("\n")))
    return "\n\n".join(parts) + "\n"


def method_doc(summary: str, example: str, args: str | dict[str, str] | None = None,
               returns: str | None = None, raises: str | None = None) -> Callable[[_Fn], _Fn]:
    """A decorator giving a method the docstring :func:`sections` writes. ``args``: a dict
    naming every parameter but ``self`` (checked against the signature), or one string for
    a method of one parameter."""
    def decorate(fn: _Fn) -> _Fn:
        names = list(inspect.signature(fn).parameters)[1:]
        entries = {names[0]: args} if isinstance(args, str) else dict(args or {})
        if list(entries) != names:
            raise TypeError(f"method_doc: {fn.__qualname__} takes {names}, Args name "
                            f"{list(entries)}")
        fn.__doc__ = sections(summary, example, entries, returns, raises)
        return fn
    return decorate


def repr_sections(call: str, shown: str) -> str:
    """An ``extra_repr``'s docstring: the example calls it on the layer ``call`` builds,
    which shows ``shown`` (the string's repr)."""
    return sections("The layer's settings, as ``repr(layer)`` shows them inside its "
                    "parentheses.", f">>> {call}.extra_repr()\n{shown}",
                    returns="A string of comma-separated settings (empty when there is "
                            "nothing to show).")


def repr_doc(call: str, shown: str) -> Callable[[_Fn], _Fn]:
    """A decorator giving an ``extra_repr`` the docstring :func:`repr_sections` writes."""
    def decorate(fn: _Fn) -> _Fn:
        fn.__doc__ = repr_sections(call, shown)
        return fn
    return decorate


_CELL_STATE = {"RNN": ("the hidden state ``h`` ``(N, H)`` (``(H,)`` for unbatched input); None "
                       "for zeros.", "``h'``, the next hidden state, of ``h``'s shape.",
                       ">>> nn.RNNCell(3, 5).forward(ft.ones(3)).shape\n(5,)"),
               "LSTM": ("the pair ``(h, c)`` of ``(N, H)`` arrays (``(H,)`` for unbatched "
                        "input); None for zeros.",
                        "The pair ``(h', c')``, the next hidden and cell states, of ``h``'s "
                        "shape.", ">>> h, c = nn.LSTMCell(3, 5).forward(ft.ones((2, 3)))\n"
                                  ">>> h.shape, c.shape\n((2, 5), (2, 5))"),
               "GRU": ("the hidden state ``h`` ``(N, H)`` (``(H,)`` for unbatched input); None "
                       "for zeros.", "``h'``, the next hidden state, of ``h``'s shape.",
                       ">>> nn.GRUCell(3, 5).forward(ft.ones((2, 3)), ft.zeros((2, 5))).shape\n"
                       "(2, 5)")}
_HIDDEN_RAISES = "RuntimeError: a hidden state of the wrong shape."


def rnn_method_docs(cell_base: Any, stacked_base: Any, cells: list[Any]) -> None:
    """Write the ``forward`` and ``extra_repr`` docstrings of ``rnn.py``'s cells (one
    ``forward`` per class) and stacked layers (one ``forward`` for RNN, LSTM and GRU)."""
    for cell in cells:
        kind = cell.__name__.removesuffix("Cell")
        hx, returns, example = _CELL_STATE[kind]
        cell.forward.__doc__ = sections(
            f"One {kind} step from ``input`` and the state ``hx``.", example,
            {"input": "``(N, H_in)`` or unbatched ``(H_in,)``.", "hx": hx}, returns,
            _HIDDEN_RAISES)
    stacked_base.forward.__doc__ = sections(
        "Run the layers over the sequence ``input`` from the initial state ``hx``.",
        ">>> out, h_n = nn.GRU(3, 5, bidirectional=True).forward(ft.ones((7, 3)))\n"
        ">>> out.shape, h_n.shape  # unbatched: (L, D * H), (D * num_layers, H)\n"
        "((7, 10), (2, 5))",
        {"input": "``(L, N, H_in)`` (``(N, L, H_in)`` with ``batch_first``) or unbatched "
                  "``(L, H_in)``.",
         "hx": "the initial hidden state ``(D * num_layers, N, H_out)`` (without ``N`` for "
               "unbatched input); for LSTM the pair ``(h_0, c_0)``, ``c_0`` ``(D * "
               "num_layers, N, H)``; None for zeros."},
        "``(output, h_n)``, for LSTM ``(output, (h_n, c_n))``: ``output`` ``(L, N, D * "
        "H_out)`` (in ``input``'s layout), the last layer's hidden state at every step, and "
        "the final states of every layer and direction in ``hx``'s layout.",
        "ValueError: ``input`` is not 2-d or 3-d.\n" + _HIDDEN_RAISES)
    cell_base.extra_repr.__doc__ = repr_sections("nn.GRUCell(3, 5, bias=False)",
                                                 "'3, 5, bias=False'")
    stacked_base.extra_repr.__doc__ = repr_sections(
        "nn.LSTM(3, 5, num_layers=2, batch_first=True)", "'3, 5, num_layers=2, batch_first=True'")
