"""Export to ONNX from ``jit``'s staged IR (``ft.onnx.export``) and check the result in
onnxruntime (``ft.onnx.verify``).

Every primitive exports through one lowering rule in the table of ``registry.py``
(rules grouped by op family in ``rules_*.py``); README.md lists which primitives have
one. ``onnx`` and ``onnxruntime`` are imported when a function here runs, so
``import funtorch`` works without them.
"""

from funtorch.onnx.export import export
from funtorch.onnx.registry import (UnsupportedPrimitiveError, lowering_rule, lowering_table,
                                    register_lowering)
from funtorch.onnx.rules_elementwise import ORT_FLOAT32_ONLY
from funtorch.onnx.verify import OutputDiff, verify

__all__ = ["export", "verify", "OutputDiff", "register_lowering", "lowering_rule",
           "lowering_table", "UnsupportedPrimitiveError", "ORT_FLOAT32_ONLY"]
