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
    binary_cross_entropy, binary_cross_entropy_with_logits, cosine_embedding_loss,
    cross_entropy, hinge_embedding_loss, huber_loss, kl_div, l1_loss, margin_ranking_loss,
    mse_loss, nll_loss, smooth_l1_loss,
)
from funtorch.nn.functional.padding import pad  # noqa: F401
from funtorch.nn.functional.pooling import (  # noqa: F401
    adaptive_avg_pool2d, avg_pool1d, avg_pool2d, max_pool1d, max_pool1d_with_indices,
    max_pool2d, max_pool2d_with_indices,
)
from funtorch.nn.functional.activations_extra import *  # noqa: F401,F403,E402  (jax.nn names)
from funtorch.nn.functional.activations_torch import *  # noqa: F401,F403,E402
from funtorch.nn.functional.norms_extra import *  # noqa: F401,F403,E402
from funtorch.nn.functional.pooling_extra import *  # noqa: F401,F403,E402
from funtorch.nn.functional.resample import *  # noqa: F401,F403,E402
from funtorch.nn.functional.losses_extra import *  # noqa: F401,F403,E402
from funtorch.nn.functional.conv_extra import conv_transpose1d, conv_transpose3d  # noqa: F401,E402
from funtorch.nn.functional.dropout_extra import *  # noqa: F401,F403,E402
from funtorch.nn.functional.embedding_bag import embedding_bag  # noqa: F401,E402
from funtorch.nn.functional.fractional_pool import *  # noqa: F401,F403,E402
from funtorch.nn.functional.grid_sample import affine_grid, grid_sample  # noqa: F401,E402
