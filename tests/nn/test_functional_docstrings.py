"""Every ``ft.nn.functional`` docstring's ``Args:`` section names exactly the function's
parameters (issue #20): tools/annotation_walk.py checks that the section exists, this
checks that it is complete and has no stale names (one ``name:`` entry per parameter;
``a, b:`` entries count for both)."""

import inspect
import re

import pytest

import funtorch.nn.functional as F

_ARGS = re.compile(r"^Args:\n((?:    .*\n|\n)*)", re.M)
_ENTRY = re.compile(r"^    (\w+(?:, \w+)*):")


def _documented(doc):
    section = _ARGS.search(doc + "\n")
    if section is None:
        return set()
    names = set()
    for line in section.group(1).splitlines():
        entry = _ENTRY.match(line)
        if entry:
            names |= {name.strip() for name in entry.group(1).split(",")}
    return names


_FUNCTIONS = sorted(name for name in F.__all__ if inspect.isfunction(getattr(F, name)))


@pytest.mark.parametrize("name", _FUNCTIONS)
def test_args_section_names_every_parameter(name):
    fn = getattr(F, name)
    params = set(inspect.signature(fn).parameters)
    documented = _documented(inspect.getdoc(fn) or "")
    assert params == documented, (f"F.{name}: undocumented {sorted(params - documented)}, "
                                  f"not parameters {sorted(documented - params)}")


def test_the_parser_reads_google_style_args():
    doc = "Summary.\n\nArgs:\n    x: an array.\n    a, b: two\n        lines.\n\nReturns:\n    y."
    assert _documented(doc) == {"x", "a", "b"}
