"""``ft.nn.functional`` (``F``): the functional form of every layer, activation and loss.

Pure functions of arrays written with public ops, so every transform (``grad``,
``vmap``, ``jvp``) applies to them. Randomness comes from an explicit ``key=`` or, when
it is ``None``, from the global generator (PyTorch-style code).
"""

from funtorch.nn.functional.activation import (  # noqa: F401
    elu, erf, gelu, leaky_relu, log_softmax, relu, sigmoid, silu, softmax, softplus, tanh,
)
from funtorch.nn.functional.conv import conv1d, conv2d, conv3d, conv_transpose2d  # noqa: F401
from funtorch.nn.functional.embedding import embedding  # noqa: F401
from funtorch.nn.functional.layers import (  # noqa: F401
    batch_norm, bilinear, dropout, dropout2d, group_norm, layer_norm, linear,
    one_hot, scaled_dot_product_attention,
)
from funtorch.nn.functional.loss import (  # noqa: F401
    binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber_loss, l1_loss,
    mse_loss, nll_loss, smooth_l1_loss,
)
from funtorch.nn.functional.padding import pad  # noqa: F401
from funtorch.nn.functional.pooling import (  # noqa: F401
    adaptive_avg_pool2d, avg_pool1d, avg_pool2d, max_pool1d, max_pool1d_with_indices,
    max_pool2d, max_pool2d_with_indices,
)
from funtorch.nn.functional.activations_extra import *  # noqa: F401,F403,E402  (jax.nn names)
from funtorch.nn.functional.activations_torch import *  # noqa: F401,F403,E402
from funtorch.nn.functional.activations_inplace import *  # noqa: F401,F403,E402
from funtorch.nn.functional.norms_extra import *  # noqa: F401,F403,E402
from funtorch.nn.functional.pooling_extra import *  # noqa: F401,F403,E402
from funtorch.nn.functional.resample import *  # noqa: F401,F403,E402
from funtorch.nn.functional.losses_extra import *  # noqa: F401,F403,E402
from funtorch.nn.functional.losses_margin import *  # noqa: F401,F403,E402
from funtorch.nn.functional.conv_extra import conv_transpose1d, conv_transpose3d  # noqa: F401,E402
from funtorch.nn.functional.dropout_extra import *  # noqa: F401,F403,E402
from funtorch.nn.functional.embedding_bag import embedding_bag  # noqa: F401,E402
from funtorch.nn.functional.fractional_pool import *  # noqa: F401,F403,E402
from funtorch.nn.functional.grid_sample import affine_grid, grid_sample  # noqa: F401,E402

# static: tools/static_all.py writes this list (tests/test_typing.py checks it)
__all__ = [
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d", "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices", "affine_grid", "alpha_dropout",
    "avg_pool1d", "avg_pool2d", "avg_pool3d", "batch_norm", "bilinear", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "celu", "celu_", "channel_shuffle", "conv1d", "conv2d",
    "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "cosine_embedding_loss",
    "cosine_similarity", "cross_entropy", "ctc_loss", "dot_product_attention", "dropout",
    "dropout1d", "dropout2d", "dropout3d", "elu", "elu_", "embedding", "embedding_bag", "erf",
    "feature_alpha_dropout", "fold", "fractional_max_pool2d",
    "fractional_max_pool2d_with_indices", "fractional_max_pool3d",
    "fractional_max_pool3d_with_indices", "gaussian_nll_loss", "gelu", "glu", "grid_sample",
    "group_norm", "gumbel_softmax", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
    "hardshrink", "hardsigmoid", "hardswish", "hardtanh", "hardtanh_", "hinge_embedding_loss",
    "huber_loss", "identity", "instance_norm", "interpolate", "kl_div", "l1_loss", "layer_norm",
    "leaky_relu", "leaky_relu_", "linear", "local_response_norm", "log1mexp", "log_sigmoid",
    "log_softmax", "logmeanexp", "logsigmoid", "logsumexp", "lp_pool1d", "lp_pool2d", "lp_pool3d",
    "margin_ranking_loss", "max_pool1d", "max_pool1d_with_indices", "max_pool2d",
    "max_pool2d_with_indices", "max_pool3d", "max_pool3d_with_indices", "max_unpool1d",
    "max_unpool2d", "max_unpool3d", "mish", "mse_loss", "multi_margin_loss",
    "multilabel_margin_loss", "multilabel_soft_margin_loss", "nll_loss", "normalize", "one_hot",
    "pad", "pairwise_distance", "pdist", "pixel_shuffle", "pixel_unshuffle", "poisson_nll_loss",
    "prelu", "relu", "relu6", "relu_", "rms_norm", "rrelu", "rrelu_",
    "scaled_dot_product_attention", "selu", "selu_", "sigmoid", "silu", "smooth_l1_loss",
    "soft_margin_loss", "soft_sign", "softmax", "softmin", "softplus", "softshrink", "softsign",
    "sparse_plus", "sparse_sigmoid", "squareplus", "standardize", "swish", "tanh", "tanhshrink",
    "threshold", "threshold_", "triplet_margin_loss", "triplet_margin_with_distance_loss",
    "unfold", "upsample", "upsample_bilinear", "upsample_nearest",
]
