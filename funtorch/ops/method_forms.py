"""Docstrings of the :class:`funtorch.Array` methods that factories make, written from the
function each one wraps.

``x.name(...)`` forwarding to ``ft.name(x, ...)`` documents the function's arguments but the
array (it is ``self``), its Returns and Raises with that argument read as "this array", and
its example rewritten in method form (``ft.exp(ft.array(...))`` becomes
``ft.array(...).exp()``). Only import time runs here: the methods themselves stay the
one-line forwards of ``ops/methods.py``.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from typing import Any

_HEADS = {"Args", "Arguments", "Parameters", "Returns", "Yields", "Raises", "Warns",
          "Example", "Examples", "Note", "Notes", "References", "See Also", "Shape"}
_ENTRY = re.compile(r"(\*{0,2}\w+)(?: \([^)]*\))?:")


def _dedent(lines: list[str]) -> list[str]:
    """``lines`` without their common indentation (blank lines aside)."""
    margin = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
    return [line[margin:] for line in lines]


@functools.lru_cache(maxsize=None)
def sections(doc: str | None) -> tuple[str, dict[str, str]]:
    """``(the text before the first section, {section head: its dedented body})`` of a
    Google-style docstring (import time parses each docstring once: cached)."""
    lines = (doc or "").strip("\n").splitlines()
    lines = lines[:1] + _dedent(lines[1:])
    intro: list[str] = []
    found: dict[str, list[str]] = {}
    body = intro
    for line in lines:
        head = line.rstrip()
        if head.endswith(":") and head[:-1].lstrip() in _HEADS and not line[0].isspace():
            body = found.setdefault(head[:-1], [])
        else:
            body.append(line)
    return "\n".join(intro).strip(), {head: "\n".join(_dedent(lines)).strip("\n")
                                      for head, lines in found.items()}


def entries(body: str) -> list[tuple[str, str]]:
    """The ``name: text`` entries of an Args (or Raises) section, continuation lines kept."""
    out: list[list[str]] = []
    for line in body.splitlines():
        match = _ENTRY.match(line)
        if match and not line.startswith(" "):
            out.append([match.group(1), line])
        elif out:
            out[-1][1] += "\n" + line
    return [(name, text) for name, text in out]


def first_parameter(fn: Callable[..., Any]) -> str | None:
    """The name of ``fn``'s first parameter (the array a method passes as ``self``); None
    when it takes none or ``*args`` first."""
    code = getattr(fn, "__code__", None)
    if code is not None and not hasattr(fn, "__signature__") and not hasattr(fn, "__wrapped__"):
        return code.co_varnames[0] if code.co_argcount else None  # (signature() is slow)
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None
    return params[0].name if params and params[0].kind != params[0].VAR_POSITIONAL else None


def as_self(text: str, first: str | None, who: str = "this array") -> str:
    """``text`` with the function's array argument ``first`` called ``who``."""
    if first is None:
        return text
    return (text.replace(f"the flattened ``{first}``", f"{who} flattened")
            .replace(f"``{first}``'s", f"{who}'s").replace(f"``{first}``", who))


def indent(text: str) -> str:
    return "\n".join("    " + line if line else "" for line in text.splitlines())


def method_args(fn: Callable[..., Any], *, name: str) -> str:
    """``fn``'s Args entries but its first (the array), or a line saying it takes none."""
    first = first_parameter(fn)
    kept = [text for arg, text in entries(sections(fn.__doc__)[1].get("Args", ""))
            if arg != first]
    if kept:
        return as_self("\n".join(kept), first)
    params = list(inspect.signature(fn).parameters)[1:]
    if params:  # ``fn`` documents no arguments: name them at least
        return "\n".join(f"{param}: as in ``ft.{fn.__name__}``." for param in params)
    return f"*args: none: ``x.{name}()`` takes no argument besides the array."


def rewrite_example(example: str, name: str, fn_name: str) -> str | None:
    """``example`` with each ``ft.<fn_name>(first, rest)`` call written
    ``first.<name>(rest)``; None when it has no such call."""
    call = f"ft.{fn_name}("
    if call not in example:
        return None
    while call in example:
        start = example.index(call)
        depth, i = 0, start + len(call)
        split = None
        while True:
            char = example[i]
            if char in "([{":
                depth += 1
            elif char in ")]}" and depth:
                depth -= 1
            elif char == ")":
                break
            elif char == "," and not depth and split is None:
                split = i
            i += 1
        inner = example[start + len(call):i]
        first = inner if split is None else example[start + len(call):split]
        rest = "" if split is None else example[split + 1:i].strip()
        if first.startswith("["):
            first = f"ft.array({first})"
        elif not re.fullmatch(r"[\w.]+(\(.*\)|\[.*\])*", first):
            first = f"({first})"
        example = example[:start] + f"{first}.{name}({rest})" + example[i + 1:]
    return example


def method_doc(name: str, fn: Callable[..., Any], *, example: str | None = None,
               extra_args: str = "", extra_raises: str = "", args: str | None = None,
               returns: str | None = None) -> str:
    """The docstring of ``x.name(...)``, which calls ``fn(x, ...)``: ``fn``'s summary, Args
    but the array (plus ``extra_args``), Returns, Raises (plus ``extra_raises``) and
    example in method form (or ``example``, the body of its own; ``args`` replaces the
    Args entries and ``returns`` the Returns section when ``fn`` has none)."""
    intro, parts = sections(fn.__doc__)
    first = first_parameter(fn)
    summary = intro.split("\n\n")[0]
    args = (args or method_args(fn, name=name)) + ("\n" + extra_args if extra_args else "")
    doc = (f"{summary}\n\n``x.{name}(...)`` is ``ft.{fn.__name__}(x, ...)``.\n\n"
           f"Args:\n{indent(args)}\n\n")
    returns = as_self(parts.get("Returns", returns or ""), first)
    if returns:
        doc += f"Returns:\n{indent(returns[:1].upper() + returns[1:])}\n\n"
    raises = "\n".join(text for text in (parts.get("Raises", ""), extra_raises) if text)
    if raises:
        doc += f"Raises:\n{indent(as_self(raises, first))}\n\n"
    if example is None:
        example = rewrite_example(parts.get("Example", parts.get("Examples", "")), name,
                                  fn.__name__)
    # no example (``ft.{fn}``'s does not call it): the docstring check lists the gap
    return doc + (f"Example:\n{indent(example)}\n" if example else "")


# NumPy's keywords of the reductions' methods (``np.sum(x)`` calls ``x.sum(axis=None,
# dtype=None, out=None)``), by what ``ops/methods.py``'s ``_numpy_method`` does with them
_COMBINED = {"sum": "sum", "prod": "product", "max": "maximum", "min": "minimum"}
_MASKED = {"sum", "prod", "max", "min", "all", "any", "mean", "var", "std"}
_NUMPY_RETURNS = {"clip": "An array of the broadcast shape in the operands' promoted dtype."}
_NUMPY_ARGS = {"clip": "a_min: the lower bound (a scalar or an array broadcasting with this "
                       "array), "
                       "or None; torch's keyword ``min=`` also works.\n"
                       "a_max: the upper bound, or None (torch's ``max=``)."}


def numpy_method_doc(name: str, fn: Callable[..., Any]) -> str:
    """The docstring of ``x.name(...)`` that also takes NumPy's ``dtype``, ``out``,
    ``where`` and ``initial`` keywords (``ops/methods.py``'s ``_numpy_method``)."""
    source = getattr(fn, "numpy_spelling", fn)
    where = ("a bool mask broadcasting with this array: only the elements where it is "
             "true count" + (" (needs ``initial``)." if name in ("max", "min") else ".")
             if name in _MASKED else "must be None (``x.{name}`` takes no mask).")
    initial = (f"a value the {_COMBINED[name]} also includes." if name in _COMBINED
               else f"must be None (``x.{name}`` takes no initial value).")
    refused = [word for word, ok in (("where", name in _MASKED), ("initial", name in _COMBINED))
               if not ok]
    extra = (f"dtype: NumPy's: cast this array to ``dtype`` first (None keeps its dtype).\n"
             f"out: must be None (funtorch arrays are immutable: use the returned array).\n"
             f"where: {where.format(name=name)}\ninitial: {initial}")
    raises = ("TypeError: ``out`` is not None" + "".join(f", or ``{w}`` is given" for w in refused)
              + ".")
    if name in ("max", "min"):
        raises += "\nValueError: ``where`` without ``initial``."
    return method_doc(name, source, args=_NUMPY_ARGS.get(name), extra_args=extra,
                      extra_raises=raises, returns=_NUMPY_RETURNS.get(name))
