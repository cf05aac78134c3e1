"""``ft.nn``: layers that are PyTorch-style objects and pytrees at once (see README.md)."""

from funtorch.nn.parameter import Parameter  # noqa: F401
from funtorch.nn.module import Module  # noqa: F401
from funtorch.nn import _pytree
from funtorch.nn._pytree import functional_call  # noqa: F401
from funtorch.nn import functional, init  # noqa: F401
from funtorch.nn.containers import ModuleDict, ModuleList, Sequential  # noqa: F401
from funtorch.nn.linear import Bilinear, Flatten, Identity, Linear, Unflatten  # noqa: F401
from funtorch.nn.activation import (  # noqa: F401
    ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh,
)
from funtorch.nn.loss import (  # noqa: F401
    BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss, HingeEmbeddingLoss,
    HuberLoss, KLDivLoss, L1Loss, MarginRankingLoss, MSELoss, NLLLoss, SmoothL1Loss,
)
from funtorch.nn.conv import Conv1d, Conv2d, Conv3d, ConvTranspose2d  # noqa: F401
from funtorch.nn.pooling import (  # noqa: F401
    AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d,
)
from funtorch.nn.normalization import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm  # noqa: F401
from funtorch.nn.dropout import Dropout, Dropout2d  # noqa: F401
from funtorch.nn.embedding import Embedding  # noqa: F401
from funtorch.nn.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell  # noqa: F401
from funtorch.nn.attention import MultiheadAttention, TransformerEncoderLayer  # noqa: F401
from funtorch.nn import utils  # noqa: F401

_pytree.register(Module)
del _pytree

from funtorch.nn.transformer import (  # noqa: F401,E402
    Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder,
)
from funtorch.nn.activation_extra import *  # noqa: F401,F403,E402
from funtorch.nn.normalization_extra import *  # noqa: F401,F403,E402
from funtorch.nn.upsampling import *  # noqa: F401,F403,E402
from funtorch.nn.pooling_extra import *  # noqa: F401,F403,E402
from funtorch.nn.loss_extra import *  # noqa: F401,F403,E402
from funtorch.nn.containers_extra import ParameterDict, ParameterList  # noqa: F401,E402
from funtorch.nn.conv_extra import ConvTranspose1d, ConvTranspose3d  # noqa: F401,E402
from funtorch.nn.padding import *  # noqa: F401,F403,E402
from funtorch.nn.dropout_extra import *  # noqa: F401,F403,E402
from funtorch.nn.embedding_bag import EmbeddingBag  # noqa: F401,E402
from funtorch.nn.adaptive import *  # noqa: F401,F403,E402
