"""Silent wrong answers and confusing errors in nn/optim/data (issue 19, items 9 and 15):
each reproducer now gives torch's value or a clear error naming the function."""

import warnings

import numpy as np
import pytest

import funtorch as ft
from funtorch import nn
from funtorch.nn import functional as F


def _grad_param():
    w = nn.Parameter(ft.ones(3))
    ft.sum(w * w).backward()
    return w


ERRORS = [
    # (label, call, exception, message pattern)
    ("one_hot out of range", lambda: F.one_hot(ft.array([0, 5]), 3), RuntimeError,
     "one_hot: class values must be non-negative and smaller than num_classes=3, got 5"),
    ("one_hot negative", lambda: F.one_hot(ft.array([0, -1]), 3), RuntimeError, "got -1"),
    ("one_hot float", lambda: F.one_hot(ft.array([0.0, 1.0]), 3), RuntimeError,
     "one_hot is only applicable to index tensor of integer type, got float32"),
    ("huber negative delta", lambda: F.huber_loss(ft.ones(3), ft.zeros(3), delta=-1.0),
     RuntimeError, "huber_loss does not support non-positive values for delta, got -1.0"),
    ("huber zero delta", lambda: F.huber_loss(ft.ones(3), ft.zeros(3), delta=0.0),
     RuntimeError, "non-positive values for delta"),
    ("smooth_l1 negative beta", lambda: F.smooth_l1_loss(ft.ones(3), ft.zeros(3), beta=-1.0),
     RuntimeError, "smooth_l1_loss does not support negative values for beta"),
    ("huber layer", lambda: nn.HuberLoss(delta=-2.0)(ft.ones(2), ft.zeros(2)), RuntimeError,
     "huber_loss does not support"),
    ("bce above one", lambda: F.binary_cross_entropy(ft.array([1.5, 0.2]), ft.array([1.0, 0.0])),
     RuntimeError, "binary_cross_entropy: all elements of input should be between 0 and 1"),
    ("bce negative", lambda: F.binary_cross_entropy(ft.array([-0.1]), ft.array([1.0])),
     RuntimeError, "between 0 and 1"),
    ("bce nan", lambda: F.binary_cross_entropy(ft.array([np.nan]), ft.array([1.0])),
     RuntimeError, "between 0 and 1"),
    ("bce under grad", lambda: ft.grad(lambda p: F.binary_cross_entropy(p, ft.array([1.0])))(
        ft.array([1.5])), RuntimeError, "between 0 and 1"),
    ("conv negative padding", lambda: nn.Conv2d(1, 1, 3, padding=-1), ValueError,
     "Conv2d: padding must be non-negative, got -1"),
    ("conv2d negative padding", lambda: F.conv2d(ft.ones((1, 1, 5, 5)), ft.ones((1, 1, 3, 3)),
                                                 padding=-1), ValueError, "conv2d: padding"),
    ("conv zero stride", lambda: nn.Conv2d(1, 1, 3, stride=0), ValueError,
     "Conv2d: stride must be positive, got 0"),
    ("conv zero kernel", lambda: nn.Conv1d(1, 1, 0), ValueError, "Conv1d: kernel_size must be"),
    ("conv float stride", lambda: nn.Conv2d(1, 1, 3, stride=1.5), TypeError,
     "Conv2d: stride must be an int"),
    ("conv negative channels", lambda: nn.Conv2d(-1, 1, 3), ValueError,
     "Conv2d: in_channels must be a non-negative integer, got in_channels=-1"),
    ("maxpool zero", lambda: nn.MaxPool2d(0), ValueError,
     "MaxPool2d: kernel_size must be positive"),
    ("maxpool zero stride", lambda: nn.MaxPool2d(2, stride=0), ValueError,
     "MaxPool2d: stride must be positive, got 0"),
    ("avgpool zero stride", lambda: nn.AvgPool2d(2, stride=0), ValueError, "AvgPool2d: stride"),
    ("max_pool2d zero", lambda: F.max_pool2d(ft.ones((1, 1, 4, 4)), 0), ValueError,
     "max_pool2d: kernel_size must be positive"),
    ("clip norm_type nan", lambda: nn.utils.clip_grad_norm_([_grad_param()], 1.0,
                                                            norm_type=float("nan")),
     ValueError, "clip_grad_norm_: norm_type must be a number.*got nan"),
    ("Linear negative in", lambda: nn.Linear(-1, 3), ValueError,
     "Linear: in_features must be a non-negative integer, got in_features=-1"),
    ("Linear negative out", lambda: nn.Linear(3, -2), ValueError, "out_features=-2"),
    ("Linear float", lambda: nn.Linear(2.5, 3), ValueError, "in_features=2.5"),
    ("LSTM h0 batch", lambda: nn.LSTM(4, 5, batch_first=True)(
        ft.ones((2, 7, 4)), (ft.zeros((1, 3, 5)), ft.zeros((1, 3, 5)))), RuntimeError,
     r"LSTM: expected hidden\[0\] size \(1, 2, 5\).*got \(1, 3, 5\)"),
    ("LSTM c0 batch", lambda: nn.LSTM(4, 5)(
        ft.ones((7, 2, 4)), (ft.zeros((1, 2, 5)), ft.zeros((1, 3, 5)))), RuntimeError,
     r"LSTM: expected hidden\[1\] size \(1, 2, 5\)"),
    ("GRU h0 batch", lambda: nn.GRU(4, 5)(ft.ones((7, 2, 4)), ft.zeros((1, 3, 5))),
     RuntimeError, r"GRU: expected hidden size \(1, 2, 5\)"),
    ("GRU h0 layers", lambda: nn.GRU(4, 5, num_layers=2)(ft.ones((7, 2, 4)), ft.zeros((1, 2, 5))),
     RuntimeError, r"expected hidden size \(2, 2, 5\)"),
    ("LSTMCell hx batch", lambda: nn.LSTMCell(4, 5)(
        ft.ones((2, 4)), (ft.zeros((3, 5)), ft.zeros((3, 5)))), RuntimeError,
     r"LSTMCell: expected hidden0 of shape \(2, 5\)"),
    ("RNN negative hidden", lambda: nn.RNN(4, -5), ValueError, "RNN: hidden_size must be"),
    ("Embedding negative", lambda: nn.Embedding(-1, 3), ValueError,
     "Embedding: num_embeddings must be a non-negative integer, got num_embeddings=-1"),
    ("BatchNorm negative", lambda: nn.BatchNorm1d(-2), ValueError,
     "BatchNorm1d: num_features must be a non-negative integer"),
    ("GroupNorm zero groups", lambda: nn.GroupNorm(0, 4), ValueError,
     "GroupNorm: num_groups must be positive"),
    ("cross_entropy list target", lambda: F.cross_entropy(ft.ones((2, 3)), [2, 0]), TypeError,
     r"cross_entropy\(\): argument 'target' \(position 2\) must be an array.*not list"),
    ("nll_loss list target", lambda: F.nll_loss(ft.ones((2, 3)), [2, 0]), TypeError,
     "nll_loss"),
    ("cross_entropy weight length", lambda: F.cross_entropy(
        ft.ones((2, 3)), ft.array([2, 0]), weight=ft.ones(2)), RuntimeError,
     "cross_entropy: weight tensor should be defined either for all 3 classes or no classes "
     r"but got weight tensor of shape: \(2,\)"),
    ("cross_entropy soft weight length", lambda: F.cross_entropy(
        ft.ones((2, 3)), ft.full((2, 3), 1 / 3), weight=ft.ones(4)), RuntimeError,
     "for all 3 classes"),
    ("CrossEntropyLoss weight length", lambda: nn.CrossEntropyLoss(weight=ft.ones(2))(
        ft.ones((2, 3)), ft.array([1, 0])), RuntimeError, "for all 3 classes"),
    ("nll weight length", lambda: F.nll_loss(ft.ones((2, 3)), ft.array([2, 0]),
                                             weight=ft.ones(4)), RuntimeError, "nll_loss"),
]


@pytest.mark.parametrize("label, call, exc, match", ERRORS, ids=[e[0] for e in ERRORS])
def test_clear_errors(label, call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_bce_accepts_probabilities_at_the_bounds_and_under_jit():
    p, y = ft.array([0.0, 1.0, 0.5]), ft.array([0.0, 1.0, 1.0])
    expected = np.log(2) / 3
    np.testing.assert_allclose(float(F.binary_cross_entropy(p, y)), expected, rtol=1e-6)
    np.testing.assert_allclose(float(ft.jit(F.binary_cross_entropy)(p, y)), expected, rtol=1e-6)


@pytest.mark.parametrize("beta, threshold", [(1.0, 20.0), (2.0, 20.0), (0.5, 5.0)])
def test_softplus_derivative_at_the_threshold_is_sigmoid(beta, threshold):
    x = ft.array(threshold / beta, dtype=ft.float64)
    grad = ft.grad(lambda v: F.softplus(v, beta=beta, threshold=threshold))(x)
    np.testing.assert_allclose(float(grad), 1 / (1 + np.exp(-threshold)), rtol=1e-12)
    # just below and above, the two branches agree
    for offset in (-1e-9, 1e-9):
        g = ft.grad(lambda v: F.softplus(v, beta=beta, threshold=threshold))(x + offset)
        assert abs(float(g) - 1.0) < 1e-2


def test_one_hot_valid_classes_and_traced_classes():
    out = F.one_hot(ft.array([0, 2, 1]), 3)
    np.testing.assert_array_equal(np.asarray(out), np.eye(3, dtype=np.int64)[[0, 2, 1]])
    jitted = ft.jit(lambda c: F.one_hot(c, 3))(ft.array([2, 0]))
    np.testing.assert_array_equal(np.asarray(jitted), np.eye(3, dtype=np.int64)[[2, 0]])


def test_sgd_duplicate_parameter_warns_and_steps_once():
    w = nn.Parameter(ft.ones(2))
    with pytest.warns(UserWarning, match="duplicate parameters"):
        opt = ft.optim.SGD([w, w], lr=1.0)
    ft.sum(w).backward()
    opt.step()
    np.testing.assert_array_equal(np.asarray(w.detach()), [0.0, 0.0])
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter"):
        ft.optim.SGD([{"params": [w]}, {"params": [w]}], lr=1.0)


def test_dataloader_accepts_numpy_integers():
    data = [ft.full((2,), float(i)) for i in range(5)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loader = ft.data.DataLoader(data, batch_size=np.int64(2), num_workers=np.int32(0))
    batches = list(loader)
    assert [tuple(b.shape) for b in batches] == [(2, 2), (2, 2), (1, 2)]
    assert type(loader.batch_size) is int
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        ft.data.DataLoader(data, batch_size=np.int64(0))


# torch 2.13: clip_grad_norm_(params, 1.5, norm_type) of the gradients [0, 2, -3],
# [[1, 0], [0.5, 4]] and [0, 0] returns these totals (torch's two-level norm: 0 counts the
# gradients holding a non-zero; negative orders see the all-zero gradient)
TORCH_CLIP_TOTALS = [(0.0, 2.0), (-1.0, 0.0), (1.0, 10.5), (2.0, 5.5), (float("inf"), 4.0),
                     (float("-inf"), 0.0), (3.0, 4.643522262573242)]


@pytest.mark.parametrize("norm_type, total", TORCH_CLIP_TOTALS)
def test_clip_grad_norm_orders_match_torch(norm_type, total):
    grads = [np.array([0.0, 2.0, -3.0]), np.array([[1.0, 0.0], [0.5, 4.0]]), np.zeros(2)]
    params = []
    for g in grads:
        p = nn.Parameter(ft.zeros(g.shape))
        p.grad = ft.array(g.astype(np.float32))
        params.append(p)
    got = nn.utils.clip_grad_norm_(params, 1.5, norm_type=norm_type)
    np.testing.assert_allclose(float(got), total, rtol=1e-6)
    scale = min(1.5 / (total + 1e-6), 1.0)
    for p, g in zip(params, grads):
        np.testing.assert_allclose(np.asarray(p.grad), g * scale, rtol=1e-5)
