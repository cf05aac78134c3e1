"""Clean-ups on the emitted ONNX nodes."""

from __future__ import annotations

__all__ = ["remove_dead_nodes", "referenced_names"]


def referenced_names(node):
    """The names ``node`` reads, including those its subgraphs (a Scan body) read from
    the outer scope."""
    from onnx import AttributeProto

    names = [name for name in node.input if name]
    for attr in node.attribute:
        if attr.type == AttributeProto.GRAPH:
            for inner in attr.g.node:
                names.extend(referenced_names(inner))
    return names


def remove_dead_nodes(nodes, output_names):
    """The nodes (in order) some graph output depends on (a fused ``Gemm`` leaves the
    ``Transpose`` of its weight unused, for instance)."""
    live = set(output_names)
    kept = []
    for node in reversed(nodes):
        if any(name in live for name in node.output):
            kept.append(node)
            live.update(referenced_names(node))
    kept.reverse()
    return kept
