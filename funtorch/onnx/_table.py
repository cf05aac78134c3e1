"""Generate the table of README.md that says which primitives export to ONNX.

Run ``python -m funtorch.onnx._table`` to rewrite it (``--check`` exits 1 when the
committed table is stale). It runs in a fresh process so the table lists the primitives
``import funtorch`` declares, whatever else a caller imported.
"""

from __future__ import annotations

import os
import sys

BEGIN, END = "<!-- primitive-table:begin -->", "<!-- primitive-table:end -->"
README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "README.md")


def _call_primitives():
    from funtorch.transforms.checkpoint import checkpoint_call_p
    from funtorch.transforms.custom import custom_jvp_call_p, custom_vjp_call_p
    from funtorch.transforms.jit import call_jit_p
    from funtorch.transforms.scan_primitive import scan_p
    from funtorch.transforms.while_primitive import while_p

    prims = [call_jit_p, checkpoint_call_p, custom_jvp_call_p, custom_vjp_call_p, scan_p, while_p]
    try:
        from funtorch.transforms.cond_primitive import cond_p
    except ImportError:  # an older funtorch: cond is not staged
        return prims
    return prims + [cond_p]


def table():
    """The Markdown table: one row per primitive, its rule's module or why it has none."""
    import funtorch  # noqa: F401  (declares the primitives)
    from funtorch.core import Primitive
    from funtorch.onnx.registry import lowering_table
    from funtorch.onnx.rules_elementwise import ORT_FLOAT32_ONLY

    rules = {prim.name: rule for prim, rule in lowering_table().items()}
    prims = sorted(list(Primitive.registry.values()) + _call_primitives(), key=lambda p: p.name)
    count = sum(p.name in rules for p in prims)
    lines = [f"{count} of {len(prims)} primitives export.", "",
             "| primitive | exports | rule | note |", "|---|---|---|---|"]
    for prim in prims:
        rule = rules.get(prim.name)
        module = rule.__module__.rsplit(".", 1)[-1] if rule else ""
        note = "onnxruntime: float32 only" if prim.name in ORT_FLOAT32_ONLY else ""
        lines.append(f"| `{prim.name}` | {'yes' if rule else 'no'} | {module} | {note} |")
    return "\n".join(lines)


def render(text):
    """``text`` (README.md) with the table between the markers replaced."""
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table()}\n{END}{tail}"


def main(argv):
    with open(README, encoding="utf-8") as handle:
        text = handle.read()
    new = render(text)
    if "--check" in argv:
        if new != text:
            print("funtorch/onnx/README.md: the primitive table is stale; run "
                  "`python -m funtorch.onnx._table`", file=sys.stderr)
            return 1
        return 0
    with open(README, "w", encoding="utf-8") as handle:
        handle.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
