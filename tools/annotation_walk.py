"""Which public functions, methods and classes lack complete annotations or docstrings.

Walks the public namespaces (``__all__``, else the public names) and, one level down, the
functions, methods, properties and ``__init__``/``__call__`` of the classes funtorch defines,
those they inherit from funtorch's private bases included (``Conv2d.__init__`` is
``_ConvNd.__init__``), and the functions of the ``ft.stats`` distribution objects.
Complete means every parameter (``self``/``cls`` aside, ``*args``/``**kwargs`` included) and
the return carry an annotation, as ``mypy --strict`` requires. An object reachable under
several names is counted once, under the first. ``tests/test_typing.py`` requires every one
to be complete (there is no allow-list), and every default to agree with a simple annotation
(:func:`default_mismatches`: ``order: str = 1`` is a bug mypy reports only when it checks
the defining module).

Docstrings: every public function and class of the namespaces (and every distribution
function) has one, with a summary line (:func:`undocumented`; required of all). The sections
the house style asks for (``Args:`` when it takes arguments, ``Returns:`` when it returns a
value, ``Raises:`` when its own body raises, a ``>>>`` example) are checked by
:func:`docstring_gaps`; ``tools/docstring_gaps.txt`` lists what is still missing and may only
shrink (a new public name comes with every section).

``python tools/annotation_walk.py`` prints the share annotated per namespace and the
docstring gaps per section; ``--write`` rewrites ``tools/docstring_gaps.txt``.
"""

from __future__ import annotations

import importlib
import inspect
import pathlib
import re
import sys
import types
import typing
from collections.abc import Callable, Iterator

ROOT = pathlib.Path(__file__).resolve().parent.parent
GAPS = ROOT / "tools" / "docstring_gaps.txt"
# every namespace the API reference has a page for (docs/gen_api.py)
NAMESPACES = ["funtorch", "funtorch.nn", "funtorch.nn.functional", "funtorch.optim",
              "funtorch.data", "funtorch.random", "funtorch.tree", "funtorch.linalg",
              "funtorch.special", "funtorch.stats", "funtorch.autograd", "funtorch.testing",
              "funtorch.optim.lr_scheduler", "funtorch.nn.init", "funtorch.nn.utils",
              "funtorch.scipy", "funtorch.integrate", "funtorch.backends", "funtorch.cuda",
              "funtorch.distributed", "funtorch.onnx", "funtorch.typing", "funtorch.errors"]


def _complete(fn: Callable[..., object], bound: bool) -> bool | None:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):  # builtins without a signature: nothing to annotate
        return None
    params = list(sig.parameters.values())[1 if bound else 0:]
    return (all(p.annotation is not inspect.Parameter.empty for p in params)
            and sig.return_annotation is not inspect.Signature.empty)


def _returning_class(cls: type) -> Callable[..., object]:
    """``cls.__init__``'s signature with ``cls`` as its return annotation."""
    init = cls.__init__
    sig = inspect.signature(init)

    def getter(*args: object) -> object:
        return cls(*args)
    getter.__signature__ = sig.replace(return_annotation=cls)  # type: ignore[attr-defined]
    getter.__doc__ = cls.__doc__
    return getter


def _members(qualname: str, cls: type) -> Iterator[tuple[str, Callable[..., object], bool]]:
    seen: set[str] = set()
    for attr, value in _own_and_inherited(cls):
        if attr in seen or (attr.startswith("_") and attr not in ("__init__", "__call__")):
            continue
        seen.add(attr)
        if isinstance(value, staticmethod):
            yield f"{qualname}.{attr}", value.__func__, False
        elif isinstance(value, classmethod):
            yield f"{qualname}.{attr}", value.__func__, True
        elif isinstance(value, property) and inspect.isclass(value.fget):
            # property(SomeClass): the getter builds a SomeClass (its return type) from self
            yield f"{qualname}.{attr}", _returning_class(value.fget), True
        elif isinstance(value, property) and value.fget is not None:
            yield f"{qualname}.{attr}", value.fget, True
        elif inspect.isfunction(value):
            yield f"{qualname}.{attr}", value, True


def _own_and_inherited(cls: type) -> Iterator[tuple[str, object]]:
    """The class's attributes, then those of its funtorch bases in MRO order (a name a class
    defines hides its bases'). Bases defined outside funtorch are not walked."""
    for klass in cls.__mro__:
        if klass is cls or klass.__module__.startswith("funtorch"):
            yield from vars(klass).items()


def _public_names(module: types.ModuleType) -> list[str]:
    """``__all__``, else the public names ``dir`` lists: a module that loads names on first
    use (``ft.distributed``'s collectives) lists them in ``__dir__``, so the walk sees the
    same names whatever was imported before it."""
    names = getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]
    return sorted(set(names))


def walk() -> Iterator[tuple[str, str, bool]]:
    """(namespace, qualified name, complete) for every public callable, once each."""
    seen: set[int] = set()
    for namespace in NAMESPACES:
        module = importlib.import_module(namespace)
        for name in _public_names(module):
            value = getattr(module, name, None)
            distribution = type(value).__name__ == "Distribution"
            if (isinstance(value, types.ModuleType) or not (callable(value) or distribution)
                    or id(value) in seen):
                continue
            seen.add(id(value))
            qualname = f"{namespace}.{name}"
            if inspect.isclass(value):
                if not value.__module__.startswith("funtorch"):
                    continue
                items = list(_members(qualname, value))
            elif inspect.isfunction(value):
                items = [(qualname, value, False)]
            elif distribution:  # ft.stats.norm: its functions
                items = [(f"{qualname}.{m}", getattr(value, m), False) for m in dir(value)]
            else:
                continue  # callable objects and builtins: their class is walked
            for item, fn, bound in items:
                if id(fn) in seen and item != qualname:
                    continue
                seen.add(id(fn))
                ok = _complete(fn, bound)
                if ok is not None:
                    yield namespace, item, ok


def unannotated() -> list[str]:
    return sorted(name for _, name, ok in walk() if not ok)


_SIMPLE: dict[object, tuple[type, ...]] = {
    int: (int,), float: (int, float), complex: (int, float, complex), str: (str,), bool: (bool,)}


def _accepted(hint: object) -> tuple[type, ...] | None:
    """The runtime types a simple annotation (``int``, ``float | None``, ...) admits; None
    for anything else (arrays, callables, generics), which is not checked."""
    if hint in _SIMPLE:
        return _SIMPLE[hint]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        out: tuple[type, ...] = ()
        for arg in typing.get_args(hint):
            if arg is type(None):
                out += (type(None),)
            elif arg in _SIMPLE:
                out += _SIMPLE[arg]
            else:
                return None
        return out
    return None


def default_mismatches() -> list[str]:
    """``name(param)`` for every walked function whose default contradicts a simple
    annotation (``order: str = 1``), which a type checker reports at the definition."""
    bad = []
    for namespace in NAMESPACES:
        module = importlib.import_module(namespace)
        for name in _public_names(module):
            value = getattr(module, name, None)
            if inspect.isclass(value) and value.__module__.startswith("funtorch"):
                items = [(item, fn) for item, fn, _ in _members(f"{namespace}.{name}", value)]
            elif inspect.isfunction(value):
                items = [(f"{namespace}.{name}", value)]
            else:
                continue
            for item, fn in items:
                try:
                    hints = typing.get_type_hints(fn)
                    params = inspect.signature(fn).parameters.values()
                except Exception:  # an annotation naming what the module imports lazily
                    continue
                for param in params:
                    accepted = _accepted(hints.get(param.name))
                    if (param.default is not param.empty and accepted is not None
                            and not isinstance(param.default, accepted)):
                        bad.append(f"{item}({param.name})")
    return sorted(set(bad))


def public_objects() -> Iterator[tuple[str, object]]:
    """(qualified name, object) for every public function and funtorch class of the
    namespaces, and every ``ft.stats`` distribution function, once each."""
    seen: set[int] = set()
    for namespace in NAMESPACES:
        module = importlib.import_module(namespace)
        for name in _public_names(module):
            value = getattr(module, name, None)
            if id(value) in seen:
                continue
            seen.add(id(value))
            qualname = f"{namespace}.{name}"
            if type(value).__name__ == "Distribution":
                yield from ((f"{qualname}.{m}", getattr(value, m)) for m in dir(value)
                            if not m.startswith("_") and callable(getattr(value, m)))
            elif inspect.isfunction(value) or (inspect.isclass(value)
                                               and value.__module__.startswith("funtorch")):
                yield qualname, value


def undocumented() -> list[str]:
    """Public functions and classes without a docstring summary line."""
    return sorted(name for name, value in public_objects()
                  if not (inspect.getdoc(value) or "").strip())


_CORE = "core.py is shared this session (annotation-only edits to Array): document it there"
# Members without a docstring, by their defining function, each with why (only shrinks).
MEMBERS_UNDOCUMENTED = {
    **{f"funtorch.core.Array.{name}": _CORE
       for name in ("shape", "dtype", "ndim", "size", "device", "is_leaf", "grad_fn")},
}


def undocumented_members() -> list[str]:
    """Methods and properties of the public classes with no docstring of their own or
    inherited from a base (autodoc's rule), named by the function that defines them."""
    missing = set()
    for name, value in public_objects():
        if not inspect.isclass(value):
            continue
        for item, fn, _ in _members(name, value):
            attr = item.rsplit(".", 1)[1]
            if attr not in ("__init__", "__call__") and not (
                    inspect.getdoc(getattr(value, attr, None)) or "").strip():
                missing.add(f"{fn.__module__}.{fn.__qualname__}")
    return sorted(missing)


_SECTION = {part: re.compile(rf"^\s*({heads}):", re.M) for part, heads in
            [("args", "Args|Arguments|Parameters|Attributes"), ("returns", "Returns|Yields"),
             ("raises", "Raises")]}
_RAISE = re.compile(r"^\s+raise\b", re.M)


def _takes_arguments(value: object, bound: bool = False) -> bool:
    try:
        params = inspect.signature(value).parameters  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return len(params) > bound


def _returns_value(value: object) -> bool:
    try:
        annotation = inspect.signature(value).return_annotation  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True
    return annotation not in (None, "None", inspect.Signature.empty)


def _raises(value: object) -> bool:
    try:
        source = inspect.getsource(value)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return False
    body = source.split('"""', 2)[-1] if source.count('"""') >= 2 else source
    return bool(_RAISE.search(body))


def gaps_of(value: object, bound: bool = False) -> list[str]:
    """The docstring sections ``value`` lacks: args, returns, raises, example (``bound``:
    a method, whose ``self`` needs no entry)."""
    doc = inspect.getdoc(value) or ""
    if inspect.isclass(value):  # the class docstring describes the constructor
        doc += "\n" + (inspect.getdoc(value.__init__) or "") if "__init__" in vars(value) else ""
        wanted = {"args": _takes_arguments(value), "returns": False, "raises": False}
    else:
        wanted = {"args": _takes_arguments(value, bound), "returns": _returns_value(value),
                  "raises": _raises(value)}
    missing = [part for part, regex in _SECTION.items() if wanted[part] and not regex.search(doc)]
    return missing + ([] if ">>>" in doc else ["example"])


def public_methods() -> Iterator[tuple[str, Callable[..., object], bool]]:
    """(name, function, bound) for every method of the public classes (properties and
    ``__init__``/``__call__`` aside: the class docstring covers the constructor), once
    each, named by the first public class that has it (``funtorch.nn.Conv1d.forward`` is
    ``_ConvNd.forward``)."""
    seen: set[int] = set()
    for name, value in public_objects():
        if not inspect.isclass(value):
            continue
        for attr, member in _own_and_inherited(value):
            if attr.startswith("_") or isinstance(member, property):
                continue
            bound = not isinstance(member, staticmethod)
            fn = member.__func__ if isinstance(member, (staticmethod, classmethod)) else member
            if inspect.isfunction(fn) and id(fn) not in seen:
                seen.add(id(fn))
                yield f"{name}.{attr}", fn, bound


def docstring_gaps() -> dict[str, list[str]]:
    """Public name (functions, classes, methods) -> the docstring sections it lacks (names
    lacking none are left out)."""
    gaps = {name: gaps_of(value) for name, value in public_objects()}
    gaps.update((name, gaps_of(fn, bound)) for name, fn, bound in public_methods())
    return {name: parts for name, parts in sorted(gaps.items()) if parts}


def listed_gaps() -> dict[str, set[str]]:
    """``tools/docstring_gaps.txt``: ``name: part part`` per line."""
    lines = GAPS.read_text().splitlines() if GAPS.exists() else []
    return {name.strip(): set(parts.split()) for name, _, parts in
            (line.partition(":") for line in lines if line and not line.startswith("#"))}


def report() -> None:
    counts: dict[str, list[int]] = {}
    for namespace, _, ok in walk():
        entry = counts.setdefault(namespace, [0, 0])
        entry[0] += ok
        entry[1] += 1
    for namespace, (ok, total) in counts.items():
        print(f"{namespace:26s} {ok:5d}/{total:5d} {100 * ok / max(total, 1):5.1f}%")
    print(f"{'total':26s} {sum(c[0] for c in counts.values()):5d}/"
          f"{sum(c[1] for c in counts.values()):5d} annotated")
    gaps = docstring_gaps()
    total = sum(1 for _ in public_objects()) + sum(1 for _ in public_methods())
    for part in ("args", "returns", "raises", "example"):
        print(f"docstrings without {part:8s} {sum(part in g for g in gaps.values()):5d}/{total}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    report()
    if "--write" in sys.argv:
        header = ("# Public names whose docstrings lack a section (tools/annotation_walk.py "
                  "--write):\n# `name: parts`. tests/test_typing.py fails on a gap not listed "
                  "here, and on a listed\n# gap that was filled: the list only shrinks.\n")
        GAPS.write_text(header + "".join(f"{name}: {' '.join(parts)}\n"
                                         for name, parts in docstring_gaps().items()))
