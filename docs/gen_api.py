"""Write the API reference pages (``docs/api/*.rst``) from funtorch's public namespaces,
and the guides (the package READMEs) and examples (``examples/*.py``) pages.

Run ``python docs/gen_api.py`` after adding a public name; ``tests/test_api_reference.py``
fails when the committed pages differ from what this script writes, so no public name goes
unlisted.
"""

from __future__ import annotations

import importlib
import inspect
import pathlib
import sys
import types

# namespace -> one-line description; one page each
NAMESPACES = {
    "funtorch": "Arrays, the NumPy/JAX and torch functions, and the transforms",
    "funtorch.nn": "Modules (torch.nn)",
    "funtorch.nn.functional": "Functional layers (torch.nn.functional)",
    "funtorch.nn.init": "Parameter initialisation (torch.nn.init)",
    "funtorch.nn.utils": "Module utilities (torch.nn.utils)",
    "funtorch.optim": "Optimizers: pure transforms and torch-style classes",
    "funtorch.optim.lr_scheduler": "Learning-rate schedulers (torch.optim.lr_scheduler)",
    "funtorch.data": "Datasets, DataLoader and the resumable iterator pipeline",
    "funtorch.random": "Explicit-key random numbers (jax.random)",
    "funtorch.tree": "Pytrees",
    "funtorch.linalg": "Linear algebra (jnp.linalg, torch.linalg)",
    "funtorch.special": "Special functions (jax.scipy.special, torch.special)",
    "funtorch.stats": "Distributions (jax.scipy.stats)",
    "funtorch.scipy": "jax.scipy namespaces",
    "funtorch.autograd": "PyTorch-style autograd",
    "funtorch.testing": "Gradient checks and hypothesis strategies",
    "funtorch.integrate": "ODE integration",
    "funtorch.backends": "Array backends (NumPy, CuPy)",
    "funtorch.cuda": "torch.cuda spellings",
    "funtorch.distributed": "Data-parallel training on MPI",
    "funtorch.onnx": "ONNX export",
    "funtorch.typing": "Type aliases for annotations (Array, ArrayLike, DTypeLike, ...)",
    "funtorch.errors": "Exception types to catch by type",
}

ROOT = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))  # the checkout, installed or not


def public_names(module: types.ModuleType) -> list[str]:
    # dir, not vars: a module that loads names on first use (ft.distributed's collectives)
    # lists them in __dir__, so the page is the same whatever was imported before
    names = getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]
    out = []
    for name in sorted(set(names)):
        value = getattr(module, name, None)
        if isinstance(value, types.ModuleType):
            continue  # submodules get their own page (or are internal)
        out.append(name)
    return out


_SEEN: dict[int, str] = {}  # id of a documented object -> its first page's name


def entry(qualname: str, value: object) -> str:
    """One autodoc directive; an object already documented under another name only
    appears in the summary table, so Sphinx sees one description per object."""
    if not callable(value):  # dtypes and constants: their value, not NumPy's docstring
        return f".. data:: {qualname}\n   :value: {value!r}\n"
    if id(value) in _SEEN:  # the summary table links to the first description
        return ""
    _SEEN[id(value)] = qualname
    if inspect.isclass(value):
        named_tuple = issubclass(value, tuple) and hasattr(value, "_fields")
        return f".. autoclass:: {qualname}\n" + ("" if named_tuple else "   :members:\n")
    return f".. autofunction:: {qualname}\n"


def page(namespace: str, title: str) -> str | None:
    try:
        module = importlib.import_module(namespace)
    except ImportError:
        return None
    head = f"``{namespace}``: {title}"
    lines = [head, "=" * len(head), "", f".. currentmodule:: {namespace}", ""]
    names = public_names(module)
    lines += [".. autosummary::", ""] + [f"   {n}" for n in names] + [""]
    for name in names:
        text = entry(f"{namespace}.{name}", getattr(module, name))
        if text:
            lines.append(text)
    return "\n".join(lines)


def _included(title: str, files: list[pathlib.Path], language: str, intro: str) -> str:
    """A page showing each file whole (``literalinclude``: Markdown is shown as its source,
    which needs no Markdown parser in the ``docs`` extra)."""
    lines = [title, "=" * len(title), "", intro, ""]
    for path in files:
        name = str(path.relative_to(ROOT.parent))
        lines += [name, "-" * len(name), "", f".. literalinclude:: ../../{name}",
                  f"   :language: {language}", ""]
    return "\n".join(lines)


def guides() -> str:
    readmes = sorted((ROOT.parent / "funtorch").rglob("README.md"))
    return _included("Guides", readmes, "markdown",
                     "Each package's README: what it guarantees and why, with its design.")


def examples() -> str:
    scripts = sorted((ROOT.parent / "examples").glob("*.py"))
    return _included("Examples", scripts, "python",
                     "The runnable scripts of ``examples/`` (``python examples/NAME.py``; "
                     "``--smoke`` runs a few steps), each a tour of one API area.")


def main(out: pathlib.Path = ROOT / "api") -> int:
    out.mkdir(exist_ok=True)
    _SEEN.clear()
    written = []
    for namespace, title in NAMESPACES.items():
        text = page(namespace, title)
        if text is None:
            continue
        (out / f"{namespace}.rst").write_text(text)
        written.append(namespace)
    (out / "guides.rst").write_text(guides())
    (out / "examples.rst").write_text(examples())
    index = ["API reference", "=============", "", ".. toctree::", "   :maxdepth: 1", ""]
    index += [f"   {n}" for n in written] + ["   guides", "   examples"]
    (out / "index.rst").write_text("\n".join(index) + "\n")
    print(f"wrote {len(written)} pages to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "api"))
