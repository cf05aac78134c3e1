"""Docstrings of the torch-style :class:`funtorch.Array` methods of
:mod:`funtorch.ops.tensor_methods`, written from the docstring of the function each one calls
(:func:`method_doc`): the function's summary, its ``Args:`` without the array that becomes
``self``, its ``Returns:`` and ``Raises:``, and its example rewritten in method form
(``ft.sum(x, 0)`` -> ``x.sum(0)``). A method whose function lacks a section takes it from
:data:`funtorch.ops.torch_method_table.SECTIONS` instead.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable
from typing import Any

from funtorch.ops.torch_method_table import SECTIONS

_HEAD = re.compile(r"^(Args|Arguments|Parameters|Returns|Raises|Examples?):\s*$")
_ENTRY = re.compile(r"^    (\**[\w, *]+?)( \([^)]*\))?:(\s|$)")


def _sections(doc: str) -> tuple[str, dict[str, list[str]]]:
    """The summary (everything before the first section) and each section's body lines
    (indented by 4, as in the docstring)."""
    summary: list[str] = []
    sections: dict[str, list[str]] = {}
    current = summary
    for line in inspect.cleandoc(doc).splitlines():
        head = _HEAD.match(line)
        if head:
            key = {"Arguments": "Args", "Parameters": "Args", "Examples": "Example"}.get(
                head.group(1), head.group(1))
            current = sections.setdefault(key, [])
        else:
            current.append(line)
    return "\n".join(summary).strip(), {k: _trim(v) for k, v in sections.items()}


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _drop_arg(lines: list[str], name: str) -> list[str]:
    """``Args:`` lines without ``name``'s entry (from ``a, b: ...`` only ``a`` goes); empty
    when the first entry does not document ``name``."""
    first = _ENTRY.match(lines[0]) if lines else None
    names = [n.strip() for n in first.group(1).split(",")] if first else []
    if name not in names:
        return []
    if len(names) > 1:
        rest = ", ".join(n for n in names if n != name)
        return [f"    {rest}{first.group(2) or ''}:{lines[0][first.end() - 1:]}"] + lines[1:]
    end = 1
    while end < len(lines) and lines[end].startswith("        "):
        end += 1
    return lines[end:]


def _as_method(line: str, calls: tuple[str, ...], name: str) -> str | None:
    """``>>> ft.f(x, 1)`` -> ``>>> x.f(1)`` for every call to ``ft.<one of calls>`` (the
    line unchanged when it calls none), None when one cannot be rewritten."""
    prompt, _, code = line.partition(">>> ")
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in calls and ast.unparse(node.func.value) in ("ft", "F")):
            if not node.args or isinstance(node.args[0], ast.Starred):
                return None
            first = ast.get_source_segment(code, node.args[0])
            if isinstance(node.args[0], (ast.List, ast.Tuple, ast.Constant)):
                first = f"ft.asarray({first})"
            elif not isinstance(node.args[0], (ast.Name, ast.Call, ast.Attribute,
                                               ast.Subscript)):
                first = f"({first})"
            rest = code[node.args[0].end_col_offset:node.end_col_offset - 1].lstrip(", ")
            return _as_method(f"{prompt}>>> {code[:node.col_offset]}{first}.{name}("
                              f"{rest.rstrip()}){code[node.end_col_offset:]}", calls, name)
    return line


def _example(lines: list[str], calls: tuple[str, ...], name: str) -> list[str]:
    """The example in method form; empty when no line calls the function or a line
    cannot be rewritten."""
    out, rewritten = [], False
    for line in lines:
        if line.lstrip().startswith("... "):
            return []
        if line.lstrip().startswith(">>> "):
            new = _as_method(line, calls, name)
            if new is None:
                return []
            rewritten |= new != line
            line = new
        out.append(line)
    return out if rewritten else []


def method_signature(fn: Callable[..., Any]) -> inspect.Signature | None:
    """``fn``'s signature with its first parameter (the array) named ``self``, for help()
    and the reference; None unless ``fn`` is fully annotated and takes the array first."""
    signature = inspect.signature(fn)
    params = list(signature.parameters.values())
    empty = inspect.Parameter.empty
    if (not params or params[0].kind not in (params[0].POSITIONAL_ONLY,
                                             params[0].POSITIONAL_OR_KEYWORD)
            or signature.return_annotation is empty
            or any(p.annotation is empty for p in params[1:])):
        return None
    return signature.replace(parameters=[params[0].replace(name="self", annotation=empty,
                                                           default=empty), *params[1:]])


def method_doc(name: str, fn: Callable[..., Any], lead: str = "",
               more_args: str = "") -> str:
    """The docstring of the method ``name`` that calls ``fn(self, ...)``: ``lead``, ``fn``'s
    summary, then its sections adapted to the method, :data:`SECTIONS`' entry for ``name``
    replacing them section by section, and ``more_args`` (lines) ending ``Args:``."""
    summary, sections = _sections(fn.__doc__ or "")
    params = list(inspect.signature(fn).parameters)
    sections["Args"] = _drop_arg(sections.get("Args", []), params[0] if params else "")
    calls = (name, fn.__name__, fn.__name__.removeprefix("torch_"))
    sections["Example"] = _example(sections.get("Example", []), calls, name)
    for key, text in SECTIONS.get(name, {}).items():
        sections[key] = ["    " + line if line else "" for line in text.splitlines()]
    if more_args:
        sections["Args"] += ["    " + line for line in more_args.splitlines()]
    body = [lead + summary]
    for key in ("Args", "Returns", "Raises", "Example"):
        if sections.get(key):
            body += ["", f"{key}:", *sections[key]]
    return "\n".join(body) + "\n"
