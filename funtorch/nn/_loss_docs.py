"""The ``forward`` docstrings of the loss layers of ``loss.py`` (``_Loss.__init_subclass__``
attaches them), kept in a table so the layers' file stays within the line limit."""

from __future__ import annotations

from funtorch.nn._layer_docs import sections

_ANY = "``(*)``, any shape."
_LIKE = "``input``'s shape."
_PM1 = "1 or -1 (``y``) of ``input``'s shape."
_ALL = "``(*)``"
_CLASSES = "``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)``"

# class name -> (summary, Args, the unreduced losses' shape, example)
_FORWARD = {
    "MSELoss": ("The squared error ``(input - target)^2``", {"input": _ANY, "target": _LIKE},
                _ALL, '>>> loss = nn.MSELoss(reduction="sum")  # 1 + 4\n'
                       ">>> loss.forward(ft.array([1.0, 2.0]), ft.array([0.0, 4.0])).item()\n5.0"),
    "L1Loss": ("The absolute error ``|input - target|``", {"input": _ANY, "target": _LIKE},
               _ALL, '>>> loss = nn.L1Loss(reduction="none")\n'
                      ">>> loss.forward(ft.array([1.0, 2.0]), ft.array([0.0, 4.0])).tolist()\n"
                      "[1.0, 2.0]"),
    "SmoothL1Loss": ("The smooth L1 error of ``input - target``", {"input": _ANY, "target": _LIKE},
                     _ALL, '>>> loss = nn.SmoothL1Loss(reduction="none", beta=2.0)\n'
                            ">>> loss.forward(ft.array([1.0, 3.0]), ft.zeros(2)).tolist()"
                            "  # [0.5 / 2, 3 - 1]\n[0.25, 2.0]"),
    "HuberLoss": ("The Huber error of ``input - target``", {"input": _ANY, "target": _LIKE},
                  _ALL, ">>> x = ft.array([0.5, 2.0])  # (0.5 * 0.25 + (2 - 0.5)) / 2\n"
                         ">>> nn.HuberLoss().forward(x, ft.zeros(2)).item()\n0.8125"),
    "CrossEntropyLoss": (
        "The cross entropy of the logits ``input`` against ``target``",
        {"input": f"logits {_CLASSES}.",
         "target": "integer class indices of ``input``'s shape without the class axis (axis 1, "
                   "or 0 for ``(C,)``), or float class probabilities of ``input``'s shape."},
        "``(N,)`` or ``(N, d1, ...)``",
        ">>> logits = ft.log(ft.array([[1.0, 3.0]]))  # -log(3 / 4)\n"
        ">>> nn.CrossEntropyLoss().forward(logits, ft.array([1])).item()\n0.2877"),
    "NLLLoss": ("The negative log-likelihood of the class indices ``target``",
                {"input": f"log-probabilities {_CLASSES}.",
                 "target": "integer class indices ``(N,)``, ``(N, d1, ...)`` or ``()``."},
                "of ``target``'s shape", ">>> logp = ft.array([[-1.0, -2.0], [-3.0, -4.0]])\n"
                                         '>>> nn.NLLLoss(reduction="none").forward(logp, '
                                         "ft.array([0, 1])).tolist()\n[1.0, 4.0]"),
    "BCELoss": ("The binary cross entropy of the probabilities ``input``",
                {"input": "probabilities in ``[0, 1]`` of any shape ``(*)``.",
                 "target": "``input``'s shape, in ``[0, 1]``."},
                _ALL, '>>> loss = nn.BCELoss(reduction="none")  # [-log 0.75, log 2]\n'
                       ">>> loss.forward(ft.array([0.75, 0.5]), ft.ones(2)).tolist()\n"
                       "[0.2877, 0.6931]"),
    "BCEWithLogitsLoss": ("The binary cross entropy of ``sigmoid(input)``",
                          {"input": "logits of any shape ``(*)``.",
                           "target": "``input``'s shape, in ``[0, 1]``."},
                          _ALL, '>>> loss = nn.BCEWithLogitsLoss(reduction="sum")  # 2 log 2\n'
                                 ">>> loss.forward(ft.zeros(2), ft.array([1.0, 0.0])).item()\n"
                                 "1.3863"),
    "KLDivLoss": ("``target * (log target - input)``, the pointwise KL divergence",
                  {"input": "log-probabilities of any shape ``(*)`` (batch first for "
                            '"batchmean").',
                   "target": "probabilities (log-probabilities with ``log_target``) of "
                             "``input``'s shape."},
                  _ALL, ">>> logq, p = ft.log(ft.array([0.5, 0.5])), ft.array([0.25, 0.75])\n"
                         '>>> nn.KLDivLoss(reduction="none").forward(logq, p).tolist()'
                         "  # p log(p / q)\n[-0.1733, 0.3041]"),
    "HingeEmbeddingLoss": ("``input`` where ``y == 1``, ``max(0, margin - input)`` where "
                           "``y == -1``", {"input": _ANY, "target": _PM1},
                           _ALL, '>>> loss = nn.HingeEmbeddingLoss(margin=2.0, reduction="sum")'
                                  "\n>>> loss.forward(ft.array([0.5, 0.5]), ft.array([1, -1]))"
                                  ".item()  # 0.5 + 1.5\n2.0"),
    "MarginRankingLoss": ("``max(0, -y * (input1 - input2) + margin)``",
                          {"input1": "``(N,)`` or ``()``.", "input2": "``input1``'s shape.",
                           "target": "1 or -1 (``y``) of ``input1``'s shape."},
                          "``(N,)``", ">>> x1, x2 = ft.array([3.0, 1.0]), ft.array([1.0, 1.0])\n"
                                  ">>> nn.MarginRankingLoss(margin=1.0).forward(x1, x2, "
                                  "ft.array([1, 1])).item()  # (0 + 1) / 2\n0.5"),
    "CosineEmbeddingLoss": ("``1 - cos(input1, input2)`` where ``y == 1``, ``max(0, cos - "
                            "margin)`` where ``y == -1``",
                            {"input1": "``(N, D)`` or ``(D,)``.", "input2": "``input1``'s shape.",
                             "target": "1 or -1 (``y``), ``(N,)`` or ``()``."},
                            "``(N,)``", ">>> x1 = ft.array([[1.0, 0.0]])\n"
                                    ">>> x2 = ft.array([[1.0, 1.0]])\n"
                                    ">>> nn.CosineEmbeddingLoss().forward(x1, x2, ft.array([1]))"
                                    ".item()  # 1 - 1 / sqrt(2)\n0.2929"),
}


def loss_forward_doc(name: str) -> str | None:
    """The docstring of loss layer ``name``'s ``forward`` (None for a loss not in the
    table)."""
    if name not in _FORWARD:
        return None
    summary, args, unreduced, example = _FORWARD[name]
    returns = (f"A scalar (the losses' mean or sum, as ``reduction`` says), or the losses "
               f'{unreduced} with ``reduction="none"``.')
    return sections(summary + ", reduced by ``reduction``.", example, args, returns)
