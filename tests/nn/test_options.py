"""PyTorch constructor options beyond the defaults: error messages, the functional vs
stateful behaviour of Embedding's max_norm, load_state_dict(assign=True), and each
option under ft.grad / ft.vmap / ft.jit. Values against PyTorch: test_reference.py."""

import math

import numpy as np
import pytest

import funtorch as ft
from funtorch import nn
from funtorch.nn import functional as F


@pytest.fixture(autouse=True)
def _float64():
    ft.set_default_dtype(ft.float64)  # conftest restores the default


def r(*shape, seed=0):
    return ft.array(np.random.default_rng(seed).standard_normal(shape))


def idx(high, *shape, seed=1):
    return ft.array(np.random.default_rng(seed).integers(0, high, shape))


def _values(x):
    return x.detach() if isinstance(x, ft.Array) else x  # numpy() refuses tracked arrays


def assert_close(a, b, tol=1e-10):
    np.testing.assert_allclose(np.asarray(_values(a)), np.asarray(_values(b)), rtol=tol, atol=tol)


# errors ----------------------------------------------------------------------------------


def test_padding_mode_errors():
    with pytest.raises(ValueError, match="padding_mode must be one of .*got padding_mode='foo'"):
        nn.Conv2d(2, 3, 3, padding_mode="foo")
    with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for '
                                         "ConvTranspose2d"):
        nn.ConvTranspose2d(2, 3, 3, padding_mode="reflect")
    with pytest.raises(RuntimeError, match=r"Conv2d: padding size should be less than .*"
                                           r"padding \(3, 3\) at dimension 2 of input "
                                           r"\[1, 2, 3, 3\]"):
        nn.Conv2d(2, 3, 3, padding=3, padding_mode="reflect")(ft.ones((1, 2, 3, 3)))
    with pytest.raises(RuntimeError, match="Conv1d: padding value causes wrapping around "
                                           "more than once"):
        nn.Conv1d(1, 1, 3, padding=4, padding_mode="circular")(ft.ones((1, 1, 3)))


def test_pad_errors():
    x = ft.ones((2, 3, 4))
    with pytest.raises(ValueError, match="divisible by 2"):
        F.pad(x, (1,))
    with pytest.raises(ValueError, match="padding length 8 and input of dimension 3"):
        F.pad(x, (1,) * 8)
    with pytest.raises(ValueError, match="unrecognised padding mode 'foo'"):
        F.pad(x, (1, 1), mode="foo")
    with pytest.raises(ValueError, match="'reflect' doesn't take in value"):
        F.pad(x, (1, 1), mode="reflect", value=1.0)


def test_conv_transpose_output_padding_and_output_size_errors():
    layer = nn.ConvTranspose2d(2, 3, 3, stride=2, output_padding=2)
    with pytest.raises(RuntimeError, match=r"ConvTranspose2d: output padding must be smaller "
                                           r"than either stride or dilation, but got "
                                           r"output_padding=\(2, 2\), stride=\(2, 2\), "
                                           r"dilation=\(1, 1\)"):
        layer(ft.ones((1, 2, 4, 4)))
    with pytest.raises(RuntimeError, match="^conv_transpose2d: output padding"):
        F.conv_transpose2d(ft.ones((1, 2, 4, 4)), ft.ones((2, 3, 3, 3)), output_padding=1)
    layer = nn.ConvTranspose2d(2, 3, 3, stride=2)
    with pytest.raises(ValueError, match=r"requested an output size of \[7, 11\], but valid "
                                         r"sizes range from \[9, 9\] to \[10, 10\]"):
        layer(ft.ones((1, 2, 4, 4)), output_size=(7, 11))
    with pytest.raises(ValueError, match="for 4D input, output_size must have 2 or 4 "
                                         r"elements \(got 3\)"):
        layer(ft.ones((1, 2, 4, 4)), output_size=(1, 9, 9))


def test_embedding_sparse_and_lstm_proj_size_errors():
    with pytest.raises(ValueError, match="Embedding: sparse=True .* funtorch has no sparse "
                                         "arrays; use sparse=False"):
        nn.Embedding(4, 2, sparse=True)
    with pytest.raises(ValueError, match="^embedding: sparse=True"):
        F.embedding(ft.array([0]), ft.ones((4, 2)), sparse=True)
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="proj_size should be a positive integer"):
        nn.LSTM(3, 4, proj_size=-1)
    with pytest.raises(ValueError, match="only supported for LSTM, not RNN or GRU"):
        nn.GRU(3, 4, proj_size=2)


def test_no_pytorch_option_raises_not_implemented():
    nn.Conv3d(1, 1, 2, padding_mode="replicate")
    nn.MultiheadAttention(4, 2, add_bias_kv=True, add_zero_attn=True)
    nn.Embedding(4, 2, max_norm=1.0, scale_grad_by_freq=True)
    nn.MaxPool1d(2, return_indices=True)(ft.ones((1, 1, 4)))


# Embedding max_norm: functional vs stateful ---------------------------------------------


def _heavy_embedding(**kwargs):
    emb = nn.Embedding(6, 3, max_norm=1.0, **kwargs)
    emb.weight.data = ft.array(np.arange(18.0).reshape(6, 3) / 4.0)
    return emb


def test_max_norm_eager_writes_the_looked_up_rows_back_like_torch():
    emb = _heavy_embedding()
    before = emb.weight.detach().numpy().copy()
    out = emb(ft.array([[1, 3], [3, 4]]))
    after = emb.weight.detach().numpy()
    norms = np.linalg.norm(after, axis=1)
    np.testing.assert_allclose(norms[[1, 3, 4]], 1.0, rtol=1e-6)
    np.testing.assert_array_equal(after[[0, 2, 5]], before[[0, 2, 5]])
    assert_close(out[0, 1], after[3])
    out.sum().backward()  # the gradient of a plain lookup, as in PyTorch
    np.testing.assert_array_equal(emb.weight.grad.numpy()[:, 0], [0, 1, 0, 2, 1, 0])


def test_max_norm_functional_code_never_writes():
    emb = _heavy_embedding()
    before = emb.weight.detach().numpy().copy()
    indices = ft.array([[1, 3], [3, 4]])
    eager = F.embedding(indices, ft.array(before), max_norm=1.0)  # a plain array: no box

    grads = ft.grad(lambda m: m(indices).sum())(emb)
    np.testing.assert_array_equal(grads.weight.detach().numpy()[:, 0], [0, 1, 0, 2, 1, 0])
    batched = ft.vmap(emb)(indices)
    jitted = ft.jit(lambda m, i: m(i))(emb, indices)
    out, _ = nn.functional_call(emb, {}, (indices,))
    np.testing.assert_array_equal(emb.weight.detach().numpy(), before)
    for other in (batched, jitted, out):
        assert_close(other, eager)
    np.testing.assert_allclose(np.linalg.norm(eager.numpy(), axis=-1), 1.0, rtol=1e-6)


def test_max_norm_weight_gradient_is_the_plain_lookup_under_transforms():
    weight, indices = r(6, 3) * 3.0, idx(6, 4, 5)

    def loss(w, i):
        return ft.sum(F.embedding(i, w, max_norm=1.0) * ft.arange(3.0))
    plain = ft.grad(lambda w, i: ft.sum(F.embedding(i, w) * ft.arange(3.0)))
    per_example = ft.vmap(ft.grad(loss), in_axes=(None, 0))(weight, indices)
    for k in range(4):
        assert_close(per_example[k], plain(weight, indices[k]))
    assert_close(ft.jit(ft.grad(loss))(weight, indices), plain(weight, indices))


def test_scale_grad_by_freq_composes_with_grad_vmap_jit():
    weight, indices = r(5, 2), ft.array([[0, 1, 1, 1], [2, 2, 4, 0]])

    def loss(w, i):
        return ft.sum(F.embedding(i, w, padding_idx=4, scale_grad_by_freq=True) ** 2)
    g = ft.grad(loss)(weight, indices)
    rows = weight.numpy()
    expected = np.zeros((5, 2))
    counts = np.bincount(indices.numpy().ravel(), minlength=5)
    for i in indices.numpy().ravel():
        if i != 4:
            expected[i] += 2 * rows[i] / counts[i]
    assert_close(g, expected)
    assert_close(ft.jit(ft.grad(loss))(weight, indices), expected)
    per_row = ft.vmap(ft.grad(loss), in_axes=(None, 0))(weight, indices)
    for k in range(2):
        assert_close(per_row[k], ft.grad(loss)(weight, indices[k]))
    # the value is the plain lookup's; forward mode and second derivatives go through and
    # see the scaled linearisation: two uses of row 1, each scaled by 1 / 2 twice, times 2
    assert_close(F.embedding(indices, weight, scale_grad_by_freq=True), F.embedding(indices,
                                                                                   weight))
    hess = ft.hessian(lambda w: loss(w, ft.array([1, 1])))(weight)
    assert_close(hess[1, 0, 1, 0], 1.0)


@pytest.mark.parametrize("norm_type", [1.0, 2.0, 3.0, math.inf])
def test_max_norm_bounds_every_norm(norm_type):
    out = F.embedding(ft.array([0, 1, 2]), r(3, 4) * 5.0, max_norm=0.5, norm_type=norm_type)
    norms = np.linalg.norm(out.numpy(), ord=norm_type, axis=1)
    assert (norms <= 0.5 + 1e-9).all()


# load_state_dict(assign=True) ------------------------------------------------------------


def test_load_state_dict_assign_takes_the_arrays_and_their_dtype():
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    model.float()
    model[0].bias.requires_grad_(False)
    old_weight = model[0].weight
    state = {k: np.asarray(v, dtype=np.float64) for k, v in model.state_dict().items()}
    state["1.num_batches_tracked"] = np.array(5)
    kept = nn.Parameter(ft.full((2,), 7.0))
    state["1.weight"] = kept
    model.load_state_dict(state, assign=True)
    assert model[0].weight is not old_weight and isinstance(model[0].weight, nn.Parameter)
    assert model[0].weight.dtype == ft.float64 and model[1].running_mean.dtype == ft.float64
    assert model[0].weight.requires_grad and not model[0].bias.requires_grad
    assert model[1].weight is kept
    assert int(model[1].num_batches_tracked) == 5
    model.load_state_dict({k: v.astype(np.float32) for k, v in state.items()
                           if not isinstance(v, nn.Parameter)}, strict=False)
    assert model[0].weight.dtype == ft.float64  # without assign: cast to the parameter's


# each option under transforms ------------------------------------------------------------


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_padding_modes_grad_vmap_jit(mode):
    layer = nn.Conv2d(2, 3, 3, padding="same", padding_mode=mode)
    x = r(4, 2, 5, 4)
    looped = np.stack([layer(x[i]).detach().numpy() for i in range(4)])
    assert_close(ft.vmap(layer)(x), looped)
    assert_close(ft.jit(lambda m, v: m(v))(layer, x), layer(x))
    pad = (1, 2, 2, 1)
    ft.testing.check_grads(lambda v: F.pad(v, pad, mode=mode), (r(1, 2, 4, 3),), order=2)


def test_max_pool_indices_grad_vmap_jit():
    x = r(3, 2, 7, 6)

    def pool(v):
        return F.max_pool2d(v, 3, 2, 1, ceil_mode=True, return_indices=True)
    out, indices = pool(x)
    assert indices.dtype == ft.int64
    # the output gathers the input at its indices
    flat = x.numpy().reshape(3, 2, -1)
    assert_close(np.take_along_axis(flat, indices.numpy().reshape(3, 2, -1), -1),
                 out.numpy().reshape(3, 2, -1))
    b_out, b_idx = ft.vmap(pool)(x[:, None])
    np.testing.assert_array_equal(b_idx.numpy()[:, 0], indices.numpy())
    j_out, j_idx = ft.jit(pool)(x)
    np.testing.assert_array_equal(j_idx.numpy(), indices.numpy())
    assert_close(j_out, out)
    grad, aux = ft.grad(lambda v: (ft.sum(pool(v)[0]), pool(v)[1]), has_aux=True)(x)
    np.testing.assert_array_equal(aux.numpy(), indices.numpy())
    expected = np.zeros(flat.shape)
    for n in range(3):
        for c in range(2):
            np.add.at(expected[n, c], indices.numpy()[n, c].ravel(), 1.0)
    assert_close(grad.numpy().reshape(3, 2, -1), expected)


def test_multihead_attention_bias_kv_zero_attn_grad_vmap_jit():
    mha = nn.MultiheadAttention(4, 2, add_bias_kv=True, add_zero_attn=True, batch_first=True)
    assert [k for k, _ in mha.named_parameters()][2:4] == ["bias_k", "bias_v"]
    x = r(3, 5, 4)

    def attend(m, v):
        return m(v, v, v)
    out, weights = attend(mha, x)
    assert weights.shape == (3, 5, 7)
    looped = np.stack([attend(mha, x[i])[0].detach().numpy() for i in range(3)])
    assert_close(ft.vmap(attend, in_axes=(None, 0))(mha, x)[0], looped)
    assert_close(ft.jit(attend)(mha, x)[0], out)
    grads = ft.grad(lambda m: ft.sum(attend(m, x)[0] ** 2))(mha)
    assert grads.bias_k.shape == (1, 1, 4) and float(ft.abs(grads.bias_v).sum()) > 0


def test_lstm_proj_size_grad_vmap_jit():
    lstm = nn.LSTM(3, 4, proj_size=2)
    x = r(5, 3, 3)
    out, (h, c) = lstm(x)
    assert out.shape == (5, 3, 2) and h.shape == (1, 3, 2) and c.shape == (1, 3, 4)
    per_sequence = ft.vmap(lambda s: lstm(s)[0], in_axes=1, out_axes=1)(x)
    assert_close(per_sequence, out)
    assert_close(ft.jit(lambda m, v: m(v)[0])(lstm, x), out)
    weights = lstm.weight_hr_l0.data
    ft.testing.check_grads(lambda w: nn.functional_call(lstm, {"weight_hr_l0": w}, (x,))[0][0],
                           (weights,), order=1, modes=("rev",))


def test_conv_transpose_output_size_grad_and_jit():
    layer = nn.ConvTranspose2d(2, 3, 3, stride=2)
    x = r(1, 2, 4, 4)
    out = layer(x, output_size=(10, 9))
    assert out.shape == (1, 3, 10, 9)
    assert_close(ft.jit(lambda m, v: m(v, output_size=(10, 9)))(layer, x), out)
    ft.testing.check_grads(lambda v: layer(v, output_size=[1, 3, 10, 10]), (x,), order=1)
