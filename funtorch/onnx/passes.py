"""Clean-ups on the emitted ONNX nodes."""

from __future__ import annotations

__all__ = ["remove_dead_nodes"]


def remove_dead_nodes(nodes, output_names):
    """The nodes (in order) some graph output depends on (a fused ``Gemm`` leaves the
    ``Transpose`` of its weight unused, for instance)."""
    live = set(output_names)
    kept = []
    for node in reversed(nodes):
        if any(name in live for name in node.output):
            kept.append(node)
            live.update(name for name in node.input if name)
    kept.reverse()
    return kept
