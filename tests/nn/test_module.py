"""Module as a pytree and as a PyTorch-style object: registration, iteration, modes,
state_dict errors, functional_call, repr, utils and init."""

import math
from collections import OrderedDict

import numpy as np
import pytest

import funtorch as ft
from funtorch import nn
from funtorch.nn import functional as F


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer1 = nn.Linear(3, 4, key=ft.random.key(0))
        self.act = nn.ReLU()
        self.layer2 = nn.Linear(4, 2, key=ft.random.key(1))
        self.scale = nn.Parameter(ft.ones(()))
        self.register_buffer("offset", ft.zeros(2))

    def forward(self, x):
        return self.layer2(self.act(self.layer1(x))) * self.scale + self.offset


def loss_fn(model, x, y):
    return F.mse_loss(model(x), y)


def data():
    return ft.randn(5, 3), ft.randn(5, 2)


def test_named_parameters_follow_registration_order():
    names = [name for name, _ in MLP().named_parameters()]
    assert names == ["scale", "layer1.weight", "layer1.bias", "layer2.weight", "layer2.bias"]
    # PyTorch's order: a module's own parameters, its own buffers, then its children
    assert list(MLP().state_dict()) == ["scale", "offset"] + names[1:]
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias", "2.weight",
                                                        "2.bias"]


def test_children_modules_buffers():
    model = MLP()
    assert [type(m).__name__ for m in model.children()] == ["Linear", "ReLU", "Linear"]
    assert len(list(model.modules())) == 4
    assert [n for n, _ in model.named_buffers()] == ["offset"]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in model.parameters())


def test_shared_parameter_is_listed_once():
    layer = nn.Linear(2, 2)
    seq = nn.Sequential(layer, layer)
    assert len(list(seq.parameters())) == 2


def test_grad_of_module_returns_module_and_matches_backward():
    model = MLP()
    x, y = data()
    grads = ft.grad(loss_fn)(model, x, y)
    assert isinstance(grads, MLP)
    loss_fn(model, x, y).backward()
    for (name, g), (_, p) in zip(grads.named_parameters(), model.named_parameters()):
        np.testing.assert_allclose(g.detach().numpy(), p.grad.numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=name)
    assert model.layer1.weight.grad is not None


def test_tree_map_builds_a_new_module_without_touching_the_old():
    model = MLP()
    before = model.layer1.weight.detach().numpy()
    zeros = ft.tree.map(lambda p: p * 0, model)
    assert isinstance(zeros, MLP) and zeros is not model
    assert zeros.layer1 is not model.layer1
    assert isinstance(zeros.layer1.weight, nn.Parameter)
    assert float(ft.abs(zeros.layer1.weight).sum()) == 0.0
    np.testing.assert_array_equal(model.layer1.weight.detach().numpy(), before)
    assert ft.tree.structure(zeros) == ft.tree.structure(model)


def test_leaves_are_plain_arrays_not_boxes():
    leaves = ft.tree.leaves(MLP())
    assert len(leaves) == 6
    assert all(type(leaf) is ft.Array for leaf in leaves)


def test_functional_sgd_step_with_tree_map():
    model = MLP()
    x, y = data()
    start = float(loss_fn(model, x, y))
    for _ in range(5):
        grads = ft.grad(loss_fn)(model, x, y)
        model = ft.tree.map(lambda p, g: p - 0.1 * g, model, grads)
    assert float(loss_fn(model, x, y)) < start


def test_vmap_over_inputs_with_module_closed_over_and_as_argument():
    model = MLP()
    x = ft.randn(4, 3)
    batched = ft.vmap(lambda m, xi: m(xi), in_axes=(None, 0))(model, x)
    np.testing.assert_allclose(batched.detach().numpy(), model(x).detach().numpy(), rtol=1e-5,
                               atol=1e-6)


def test_vmap_over_an_ensemble_of_modules():
    models = [nn.Linear(3, 2, key=ft.random.key(i)) for i in range(3)]
    stacked = ft.tree.map(lambda *ps: ft.stack(ps), *models)
    x = ft.randn(5, 3)
    out = ft.vmap(lambda m: m(x))(stacked)
    for i, model in enumerate(models):
        np.testing.assert_allclose(out[i].detach().numpy(), model(x).detach().numpy(),
                                   rtol=1e-5, atol=1e-6)


def test_integer_buffers_are_static_so_grad_works_with_batchnorm():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    grads = ft.grad(lambda m, x: m(x).sum())(model, ft.randn(6, 3))
    assert isinstance(grads, nn.Sequential)
    assert int(model[1].num_batches_tracked) == 0  # the transform ran on a copy


def test_batchnorm_stateful_updates_in_place_functional_call_returns_state():
    ft.manual_seed(0)
    bn = nn.BatchNorm1d(3)
    x = ft.randn(8, 3) * 2 + 1
    out, state = nn.functional_call(bn, {}, (x,))
    assert float(ft.abs(bn.running_mean).sum()) == 0.0 and int(bn.num_batches_tracked) == 0
    np.testing.assert_allclose(state["running_mean"].numpy(), 0.1 * x.numpy().mean(0),
                               rtol=1e-5)
    assert int(state["num_batches_tracked"]) == 1
    bn(x)
    np.testing.assert_allclose(bn.running_mean.numpy(), state["running_mean"].numpy())
    assert int(bn.num_batches_tracked) == 1


def test_functional_call_with_params_and_grad_through_it():
    model = nn.Linear(3, 1, key=ft.random.key(0))
    x = ft.randn(4, 3)
    params = {"weight": ft.ones((1, 3)), "bias": ft.zeros(1)}
    out, _ = nn.functional_call(model, params, (x,))
    np.testing.assert_allclose(out.detach().numpy()[:, 0], x.numpy().sum(1), rtol=1e-6)
    g = ft.grad(lambda p: nn.functional_call(model, p, x)[0].sum())(params)
    np.testing.assert_allclose(g["weight"].numpy()[0], x.numpy().sum(0), rtol=1e-5)
    with pytest.raises(KeyError, match="no parameter or buffer named 'nope'"):
        nn.functional_call(model, {"nope": ft.ones(1)}, (x,))


def test_train_eval_modes_and_dropout():
    model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5))
    assert model.training and model[1].training
    model.eval()
    assert not model.training and not model[1].training
    x = ft.ones((100, 4))
    np.testing.assert_array_equal(model[1](x).numpy(), x.numpy())
    model.train()
    ft.manual_seed(0)
    dropped = model[1](x).numpy()
    assert set(np.unique(dropped)) <= {0.0, 2.0}
    assert 0.35 < (dropped == 0).mean() < 0.65
    assert ft.tree.structure(model.eval()) != ft.tree.structure(nn.Sequential(
        nn.Linear(4, 4), nn.Dropout(0.5)))


def test_dropout_keys_are_reproducible():
    x = ft.ones((50,))
    a = F.dropout(x, 0.5, key=ft.random.key(3))
    b = F.dropout(x, 0.5, key=ft.random.key(3))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    drop = nn.Dropout(0.5)
    out1, _ = nn.functional_call(drop, {}, (x,), key=ft.random.key(1))
    out2, _ = nn.functional_call(drop, {}, (x,), key=ft.random.key(1))
    np.testing.assert_array_equal(out1.numpy(), out2.numpy())
    assert drop.__dict__.get("_key") is None
    ft.manual_seed(5)
    c = F.dropout(x, 0.5)
    ft.manual_seed(5)
    np.testing.assert_array_equal(c.numpy(), F.dropout(x, 0.5).numpy())
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.dropout(x, 1.5)


def test_dropout2d_zeros_whole_channels():
    out = F.dropout2d(ft.ones((4, 8, 3, 3)), 0.5, key=ft.random.key(0)).numpy()
    per_channel = out.reshape(4, 8, -1)
    assert np.all(per_channel.min(-1) == per_channel.max(-1))


def test_zero_grad_and_requires_grad():
    model = MLP()
    x, y = data()
    loss_fn(model, x, y).backward()
    model.zero_grad(set_to_none=False)
    assert float(ft.abs(model.layer1.weight.grad).sum()) == 0.0
    model.zero_grad()
    assert model.layer1.weight.grad is None
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())


def test_load_state_dict_round_trip_and_numpy_values():
    src, dst = MLP(), MLP()
    dst.load_state_dict({k: np.asarray(v) + 1 for k, v in src.state_dict().items()})
    np.testing.assert_allclose(dst.layer1.bias.detach().numpy(),
                               src.layer1.bias.detach().numpy() + 1)
    assert isinstance(dst.layer1.bias, nn.Parameter)


def test_load_state_dict_errors_name_keys_and_shapes():
    model = MLP()
    sd = model.state_dict()
    del sd["layer2.bias"]
    sd["extra.weight"] = ft.ones(1)
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(sd)
    message = str(info.value)
    assert "Error(s) in loading state_dict for MLP" in message
    assert 'Missing key(s) in state_dict: "layer2.bias"' in message
    assert 'Unexpected key(s) in state_dict: "extra.weight"' in message
    result = model.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["layer2.bias"] and result.unexpected_keys == ["extra.weight"]
    bad = model.state_dict()
    bad["layer1.weight"] = ft.ones((2, 2))
    with pytest.raises(RuntimeError, match=r"size mismatch for layer1.weight: copying a param "
                       r"with shape \(2, 2\) from checkpoint, the shape in current model is "
                       r"\(4, 3\)"):
        model.load_state_dict(bad, strict=False)


def test_assignment_errors():
    class Bad(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(ft.ones(1))
    with pytest.raises(AttributeError, match="before Module.__init__"):
        Bad()
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign 'Array' as parameter 'weight'"):
        layer.weight = ft.ones((2, 2))
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'nope'"):
        layer.nope
    with pytest.raises(TypeError, match="cannot box a traced value"):
        ft.grad(lambda x: nn.Parameter(x).sum())(ft.ones(2))


def test_parameter_box_replacement():
    p = nn.Parameter(ft.ones(2))
    p.data = ft.zeros(2)
    assert p.tolist() == [0.0, 0.0] and p.requires_grad and p.is_leaf
    p.set_(ft.full((2,), 3.0))
    assert (p * 2).tolist() == [6.0, 6.0]
    assert repr(p).startswith("Parameter containing:")


def test_repr_like_pytorch():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Conv2d(1, 2, 3, stride=2))
    assert repr(seq) == ("Sequential(\n"
                         "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
                         "  (1): ReLU()\n"
                         "  (2): Conv2d(1, 2, kernel_size=(3, 3), stride=(2, 2))\n"
                         ")")


def test_containers():
    mods = nn.ModuleList([nn.Linear(2, 2), nn.ReLU()])
    mods.append(nn.Tanh())
    assert len(mods) == 3 and isinstance(mods[-1], nn.Tanh)
    d = nn.ModuleDict({"a": nn.Linear(2, 2)})
    d["b"] = nn.Linear(2, 1)
    assert list(d.keys()) == ["a", "b"] and "a" in d
    assert [n for n, _ in d.named_parameters()] == ["a.weight", "a.bias", "b.weight",
                                                     "b.bias"]
    seq = nn.Sequential(OrderedDict(first=nn.Linear(2, 2), second=nn.ReLU()))
    assert isinstance(seq[0:1], nn.Sequential) and len(seq[0:1]) == 1
    assert [n for n, _ in seq.named_parameters()] == ["first.weight", "first.bias"]


def test_to_dtype_and_device():
    model = MLP().to(ft.float64)
    assert all(p.dtype == ft.float64 for p in model.parameters())
    assert model.offset.dtype == ft.float64
    assert isinstance(model.layer1.weight, nn.Parameter)
    assert model.to("cpu") is model


def test_default_linear_init_matches_pytorch_bounds():
    ft.manual_seed(0)
    layer = nn.Linear(100, 50)
    bound = 1 / math.sqrt(100)
    w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert np.abs(b).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.1 * bound
    ft.manual_seed(0)
    np.testing.assert_array_equal(nn.Linear(100, 50).weight.detach().numpy(), w)
    keyed = [nn.Linear(4, 4, key=ft.random.key(7)).weight.detach().numpy() for _ in range(2)]
    np.testing.assert_array_equal(*keyed)


@pytest.mark.parametrize("rule, expected_std", [
    ("kaiming_normal_", math.sqrt(2 / 400)),
    ("xavier_normal_", math.sqrt(2 / (400 + 300))),
    ("kaiming_uniform_", math.sqrt(2 / 400)),
    ("xavier_uniform_", math.sqrt(2 / (400 + 300))),
])
def test_init_rules_have_the_right_spread(rule, expected_std):
    p = nn.Parameter(ft.zeros((300, 400)))
    kwargs = {"nonlinearity": "relu"} if rule.startswith("kaiming") else {}
    getattr(nn.init, rule)(p, key=ft.random.key(0), **kwargs)
    assert abs(p.detach().numpy().std() - expected_std) < 0.05 * expected_std


def test_init_constants_and_errors():
    p = nn.Parameter(ft.zeros(3))
    nn.init.constant_(p, 2.5)
    assert p.tolist() == [2.5, 2.5, 2.5]
    nn.init.ones_(p)
    assert p.tolist() == [1.0, 1.0, 1.0]
    plain = ft.ones(2)  # an array handle is rebound, as x.zero_() (issue 14)
    assert nn.init.zeros_(plain) is plain and plain.tolist() == [0.0, 0.0]
    with pytest.raises(TypeError, match="use the pure form"):
        ft.grad(lambda x: nn.init.zeros_(x).sum())(ft.ones(2))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform(ft.random.key(0), (3,))


def test_clip_grad_norm_and_vectors():
    a, b = nn.Parameter(ft.ones(3)), nn.Parameter(ft.ones(4))
    (3 * a.sum() + 4 * b.sum()).backward()
    total = nn.utils.clip_grad_norm_([a, b], 1.0)
    assert abs(float(total) - math.sqrt(27 + 64)) < 1e-4
    norm = math.sqrt(float((a.grad ** 2).sum() + (b.grad ** 2).sum()))
    assert abs(norm - 1.0) < 1e-4
    vec = nn.utils.parameters_to_vector([a, b])
    assert vec.shape == (7,)
    nn.utils.vector_to_parameters(ft.arange(7).astype(ft.float32), [a, b])
    assert a.tolist() == [0, 1, 2] and b.tolist() == [3, 4, 5, 6]
    with pytest.raises(ValueError, match="parameters need 7"):
        nn.utils.vector_to_parameters(ft.ones(3), [a, b])


def test_embedding_padding_row_gets_no_gradient():
    emb = nn.Embedding(5, 2, padding_idx=0)
    assert emb.weight.detach().numpy()[0].tolist() == [0.0, 0.0]
    g = ft.grad(lambda m: m(ft.array([0, 1, 1])).sum())(emb)
    assert g.weight.detach().numpy()[0].tolist() == [0.0, 0.0]
    assert g.weight.detach().numpy()[1].tolist() == [2.0, 2.0]


def test_rnn_initial_state_and_unbatched_gru():
    gru = nn.GRU(3, 4, num_layers=2)
    out, h = gru(ft.randn(5, 3))
    assert out.shape == (5, 4) and h.shape == (2, 4)
    batched, _ = gru(ft.randn(5, 1, 3))
    assert batched.shape == (5, 1, 4)


def test_layer_errors():
    with pytest.raises(ValueError, match="reduction"):
        F.mse_loss(ft.ones(2), ft.ones(2), reduction="avg")
    with pytest.raises(ValueError, match="must match input shape"):
        F.mse_loss(ft.ones(2), ft.ones(3))
    with pytest.raises(ValueError, match="expected input with 4 channels"):
        F.conv2d(ft.ones((1, 3, 4, 4)), ft.ones((2, 4, 3, 3)))
    with pytest.raises(ValueError, match="strided"):
        F.conv2d(ft.ones((1, 1, 4, 4)), ft.ones((1, 1, 3, 3)), stride=2, padding="same")
    with pytest.raises(ValueError, match="expected 4-d input"):
        nn.BatchNorm2d(3)(ft.ones((2, 3)))
    with pytest.raises(ValueError, match="approximate"):
        nn.GELU("fast")
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(ft.ones(1))


def test_module_structure_survives_a_transform_round_trip():
    # A module rebuilt from tracers must flatten like the original: same treedef (so a
    # jitted train step does not retrace on its second call) and requires_grad kept.
    model = ft.nn.Linear(3, 2)
    step = ft.jit(lambda m: ft.tree.map(lambda p: p * 0.5, m))
    once = step(model)
    twice = step(once)
    assert ft.tree.structure(once) == ft.tree.structure(model)
    assert len(step.cache) == 1
    assert twice.weight.requires_grad and twice.bias.requires_grad


def test_split_files_keep_import_paths_and_methods_bind():
    """Module's walks/modes and state methods live in ``_module_walk.py``/``_module_state.py``
    and ModuleDict/ParameterDict in ``containers_dict.py``: the old import paths still give
    the same objects, and the assigned functions bind like methods (subclass ``self``)."""
    from funtorch.nn.containers import ModuleDict
    from funtorch.nn.containers_extra import ParameterDict
    from funtorch.nn.module import Module

    assert (Module, ModuleDict, ParameterDict) == (nn.Module, nn.ModuleDict, nn.ParameterDict)
    net = nn.Sequential(nn.Linear(2, 2))
    assert net.eval() is net and net.double() is net and net.apply(lambda m: None) is net
    assert net[0].training is False and net.train.__self__ is net
    deep = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential(nn.Linear(3, 1)))
    assert [name for name, _ in deep.named_parameters()] == [
        "0.weight", "0.bias", "2.0.weight", "2.0.bias"]
