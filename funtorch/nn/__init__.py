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

# static: tools/static_all.py writes this list (tests/test_typing.py checks it)
__all__ = [
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveLogSoftmaxWithLoss",
    "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "AlphaDropout", "AvgPool1d",
    "AvgPool2d", "AvgPool3d", "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "BatchNorm2d",
    "BatchNorm3d", "Bilinear", "CELU", "CTCLoss", "ChannelShuffle", "CircularPad1d",
    "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "Conv1d",
    "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
    "CosineEmbeddingLoss", "CosineSimilarity", "CrossEntropyLoss", "Dropout", "Dropout1d",
    "Dropout2d", "Dropout3d", "ELU", "Embedding", "EmbeddingBag", "FeatureAlphaDropout",
    "Flatten", "Fold", "FractionalMaxPool2d", "FractionalMaxPool3d", "GELU", "GLU", "GRU",
    "GRUCell", "GaussianNLLLoss", "GroupNorm", "Hardshrink", "Hardsigmoid", "Hardswish",
    "Hardtanh", "HingeEmbeddingLoss", "HuberLoss", "Identity", "InstanceNorm1d", "InstanceNorm2d",
    "InstanceNorm3d", "KLDivLoss", "L1Loss", "LPPool1d", "LPPool2d", "LPPool3d", "LSTM",
    "LSTMCell", "LayerNorm", "LeakyReLU", "Linear", "LocalResponseNorm", "LogSigmoid",
    "LogSoftmax", "MSELoss", "MarginRankingLoss", "MaxPool1d", "MaxPool2d", "MaxPool3d",
    "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d", "Mish", "Module", "ModuleDict", "ModuleList",
    "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss", "MultiheadAttention",
    "NLLLoss", "PReLU", "PairwiseDistance", "Parameter", "ParameterDict", "ParameterList",
    "PixelShuffle", "PixelUnshuffle", "PoissonNLLLoss", "RMSNorm", "RNN", "RNNCell", "RReLU",
    "ReLU", "ReLU6", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d",
    "ReplicationPad2d", "ReplicationPad3d", "SELU", "Sequential", "SiLU", "Sigmoid",
    "SmoothL1Loss", "SoftMarginLoss", "Softmax", "Softmax2d", "Softmin", "Softplus", "Softshrink",
    "Softsign", "Tanh", "Tanhshrink", "Threshold", "Transformer", "TransformerDecoder",
    "TransformerDecoderLayer", "TransformerEncoder", "TransformerEncoderLayer",
    "TripletMarginLoss", "TripletMarginWithDistanceLoss", "Unflatten", "Unfold", "Upsample",
    "UpsamplingBilinear2d", "UpsamplingNearest2d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
    "functional", "functional_call", "init", "utils",
]
