"""``ft.optim``: pure optimizers (Optax style) and PyTorch-style stateful wrappers.

Pure: ``opt = ft.optim.adam(1e-3)``; ``state = opt.init(params)``;
``updates, state = opt.update(grads, state, params)``;
``params = ft.optim.apply_updates(params, updates)``. Stateful:
``opt = ft.optim.Adam(model.parameters(), lr=1e-3)``; ``opt.zero_grad()``;
``loss.backward()``; ``opt.step()``. Both run the same update rules (see README.md).
"""

from funtorch.optim import lr_scheduler  # noqa: F401
from funtorch.optim.base import (  # noqa: F401
    EmptyState,
    GradientTransformation,
    apply_updates,
    chain,
    check_trees,
    identity,
)
from funtorch.optim.combinators import (  # noqa: F401
    MaskedState,
    SkipNonfiniteState,
    check_finite,
    clip,
    clip_by_global_norm,
    global_norm,
    masked,
    skip_nonfinite,
)
from funtorch.optim.lbfgs import LBFGSSolver, LBFGSState, lbfgs  # noqa: F401
from funtorch.optim.lbfgs_torch import LBFGS  # noqa: F401
from funtorch.optim.optimizers import adam, adamw, sgd  # noqa: F401
from funtorch.optim.optimizers_adaptive import adagrad, lamb, lion, rmsprop  # noqa: F401
from funtorch.optim.optimizers_classic import adadelta, asgd, rprop  # noqa: F401
from funtorch.optim.optimizers_extra import adafactor, adamax, muon, nadam, radam  # noqa: F401
from funtorch.optim.schedules import (  # noqa: F401
    constant,
    cosine_decay,
    exponential_decay,
    join,
    linear,
    piecewise_constant,
    warmup_cosine_decay,
)
from funtorch.optim.stateful import Optimizer  # noqa: F401
from funtorch.optim.stateful_common import SGD, Adagrad, Adam, AdamW, RMSprop  # noqa: F401
from funtorch.optim.stateful_classic import ASGD, Adadelta, Rprop  # noqa: F401
from funtorch.optim.stateful_extra import Adafactor, Adamax, Muon, NAdam, RAdam  # noqa: F401
from funtorch.optim.transforms import (  # noqa: F401
    ScaleByAdamState,
    ScaleByLionState,
    ScaleByRmsState,
    ScaleByRssState,
    ScaleByScheduleState,
    TraceState,
    add_decayed_weights,
    scale,
    scale_by_adam,
    scale_by_learning_rate,
    scale_by_lion,
    scale_by_rms,
    scale_by_rss,
    scale_by_schedule,
    scale_by_trust_ratio,
    trace,
)
from funtorch.optim.transforms_classic import (  # noqa: F401
    ScaleByAdadeltaState,
    ScaleByAsgdState,
    ScaleByRpropState,
    scale_by_adadelta,
    scale_by_asgd,
    scale_by_rprop,
)
from funtorch.optim.transforms_extra import (  # noqa: F401
    ScaleByAdamaxState,
    ScaleByNadamState,
    ScaleByRadamState,
    scale_by_adamax,
    scale_by_nadam,
    scale_by_radam,
)
from funtorch.optim.transforms_matrix import (  # noqa: F401
    ScaleByAdafactorState,
    ScaleByMuonState,
    newton_schulz,
    scale_by_adafactor,
    scale_by_muon,
)

# static: tools/static_all.py writes this list (tests/test_typing.py checks it)
__all__ = [
    "ASGD", "Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "EmptyState",
    "GradientTransformation", "LBFGS", "LBFGSSolver", "LBFGSState", "MaskedState", "Muon",
    "NAdam", "Optimizer", "RAdam", "RMSprop", "Rprop", "SGD", "ScaleByAdadeltaState",
    "ScaleByAdafactorState", "ScaleByAdamState", "ScaleByAdamaxState", "ScaleByAsgdState",
    "ScaleByLionState", "ScaleByMuonState", "ScaleByNadamState", "ScaleByRadamState",
    "ScaleByRmsState", "ScaleByRpropState", "ScaleByRssState", "ScaleByScheduleState",
    "SkipNonfiniteState", "TraceState", "adadelta", "adafactor", "adagrad", "adam", "adamax",
    "adamw", "add_decayed_weights", "apply_updates", "asgd", "chain", "check_finite",
    "check_trees", "clip", "clip_by_global_norm", "constant", "cosine_decay", "exponential_decay",
    "global_norm", "identity", "join", "lamb", "lbfgs", "linear", "lion", "lr_scheduler",
    "masked", "muon", "nadam", "newton_schulz", "piecewise_constant", "radam", "rmsprop", "rprop",
    "scale", "scale_by_adadelta", "scale_by_adafactor", "scale_by_adam", "scale_by_adamax",
    "scale_by_asgd", "scale_by_learning_rate", "scale_by_lion", "scale_by_muon", "scale_by_nadam",
    "scale_by_radam", "scale_by_rms", "scale_by_rprop", "scale_by_rss", "scale_by_schedule",
    "scale_by_trust_ratio", "sgd", "skip_nonfinite", "trace", "warmup_cosine_decay",
]
