"""The layer docstrings (#20): every constructor argument in ``Args:``, a ``Shape:`` section
for layers, an example; the sections several modules generate (conv, pooling, recurrent,
dropout, normalisation, losses) included. The wrap helper keeps inline literals whole.
Their ``forward``/``extra_repr`` methods (decorated, table-made or generated) list every
parameter in ``Args:``, have ``Returns:`` and an example."""

import importlib
import inspect
import random
import re
import textwrap

import pytest

from funtorch.nn._layer_docs import method_doc, wrap

MODULES = ["loss", "activation", "activation_extra", "normalization", "normalization_extra",
           "rnn", "pooling", "linear", "conv", "conv_extra", "dropout", "dropout_extra",
           "transformer", "adaptive", "containers", "containers_extra", "embedding",
           "embedding_bag"]
NO_SHAPE = {"ModuleList", "ModuleDict", "ParameterList", "ParameterDict"}  # no forward
LAYERS = [(name, getattr(module, name)) for module in
          (importlib.import_module(f"funtorch.nn.{m}") for m in MODULES)
          for name in module.__all__]


def _section(doc, title):
    match = re.search(rf"^{title}:\n((?:    .*\n?|\n)*?)(?:\n\S|\Z)", doc, re.M)
    return match.group(1) if match else None


@pytest.mark.parametrize("name,cls", LAYERS, ids=[name for name, _ in LAYERS])
def test_layer_docstring_sections(name, cls):
    doc = inspect.cleandoc(cls.__doc__ or "")
    assert ">>>" in doc, f"{name}: no example"
    if name not in NO_SHAPE:
        assert _section(doc, "Shape") is not None, f"{name}: no Shape section"
    params = [p for p in inspect.signature(cls).parameters.values()
              if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or name == "Identity"]
    if params:
        args = _section(doc, "Args")
        assert args is not None, f"{name}: no Args section"
        documented = re.findall(r"^    (\w+):", args, re.M)
        assert documented == [p.name for p in params], f"{name}: Args {documented}"


def test_wrap_keeps_literals_whole():
    text = "shape: " + " ".join(f"``(N, C_{i}, H, W)``" for i in range(12))
    lines = wrap(text).split("\n")
    assert all(len(line) <= 96 for line in lines)
    assert all(line.count("``") % 2 == 0 for line in lines)
    assert lines[0].startswith("    shape:") and lines[1].startswith("        ``")


def _textwrap_fill(text, hanging):
    """What ``wrap`` computed with textwrap alone before its fast path."""
    protected = re.sub(r"``[^`]*``", lambda m: m.group().replace(" ", "\0"), text)
    return textwrap.fill(protected, 92, initial_indent="    ", break_on_hyphens=False,
                         subsequent_indent="        " if hanging else "    ").replace("\0", " ")


_WORDS = ["a", "``x``", "``(N, C, H, W)``", "input", "x" * 87, "y" * 95, "z" * 100, "\t", "\n",
          "\xa0", " ", "  ", "-", "well-known", "end."]


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("hanging", [True, False])
def test_wrap_fast_path_is_textwrap(seed, hanging):
    """``wrap`` lays out single-spaced words itself (textwrap was ~7 ms of the import):
    byte for byte what textwrap.fill gives, on irregular white space and long words too."""
    rng = random.Random(seed)
    texts = ["", " ", "word", "x" * 88, "x" * 89, " lead", "trail ", "a" + " b" * 44,
             "a" + " b" * 46, "a " + "x" * 86 + " " + "y" * 82 + " z", "a " + "x" * 87 + " b",
             " ".join(rng.choice(_WORDS[:7] + _WORDS[-2:])
                                       for _ in range(rng.randrange(1, 80))),
             "".join(rng.choice(_WORDS) + rng.choice([" ", "", "  "])
                     for _ in range(rng.randrange(1, 60)))]
    for text in texts:
        assert wrap(text, hanging) == _textwrap_fill(text, hanging), repr(text)


_OWN = {f"funtorch.nn.{m}" for m in MODULES + ["pooling_extra", "padding", "loss_extra"]
        if not m.startswith("containers")}
METHODS = list({id(fn): (f"{fn.__module__}.{fn.__qualname__}", fn)
                for module in map(importlib.import_module, sorted(_OWN))
                for cls in (getattr(module, name) for name in module.__all__)
                for fn in (getattr(cls, "forward", None), getattr(cls, "extra_repr", None))
                if inspect.isfunction(fn) and fn.__module__ in _OWN}.values())


@pytest.mark.parametrize("name,fn", METHODS, ids=[name for name, _ in METHODS])
def test_layer_method_docstring_sections(name, fn):
    doc = inspect.getdoc(fn) or ""
    params = list(inspect.signature(fn).parameters)[1:]
    documented = re.findall(r"^    (\w+):", _section(doc, "Args") or "", re.M)
    assert documented == params, f"{name}: Args {documented}"
    assert _section(doc, "Returns") and ">>>" in doc, f"{name}: no Returns or example"


def test_method_doc_checks_the_signature():
    with pytest.raises(TypeError, match=r"takes \['input', 'key'\], Args name \['input'\]"):
        method_doc("Summary.", ">>> 1\n1", args={"input": "x"})(lambda self, input, key=None: 0)
