"""Issue #15's layers and functions against PyTorch (tests/fixtures/nn_extra_reference.npz,
from tests/fixtures/make_nn_extra_fixtures.py): the same replay as test_reference.py
(state_dict keys and shapes, outputs, buffers, ``ft.grad`` over the module pytree and
``backward()``), plus, for every case, ``jit`` equal to eager and ``vmap`` over a stacked
ensemble of two modules equal to the loop."""

import importlib.util
import json
import os

import numpy as np
import pytest

import funtorch as ft

HERE = os.path.dirname(__file__)
_spec = importlib.util.spec_from_file_location("_nn_reference_replay",
                                               os.path.join(HERE, "test_reference.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)  # a private copy: patching it leaves test_reference alone

base.REF = dict(np.load(os.path.join(HERE, "..", "fixtures", "nn_extra_reference.npz"),
                        allow_pickle=False))
CASES = base.CASES = {c["name"]: c for c in json.loads(base.REF["__cases__"].tobytes().decode())}
# GELU's erf (~1e-7 absolute) and the CTC recursion's long chains of logs
base.ERF_CASES = tuple(n for n in CASES if "gelu" in n or n.startswith("CTCLoss"))
_build = base.build


def build(spec, load=True):
    """``test_reference.build``, plus stacks built from a ``sub`` layer."""
    if "sub" not in spec:
        return _build(spec, load)
    sub = spec["sub"]
    layer = getattr(ft.nn, sub["cls"])(*sub["args"], **sub["kwargs"])
    norm = ft.nn.LayerNorm(spec["sub_norm"]) if spec.get("sub_norm") else None
    stack = getattr(ft.nn, spec["cls"])(layer, *spec["args"], norm=norm, **spec["kwargs"])
    stack.train(spec["train"])
    if load:
        prefix = f"{spec['name']}/sd/"
        stack.load_state_dict({k[len(prefix):]: v for k, v in base.REF.items()
                               if k.startswith(prefix)})
    return stack


base.build = build
NAMES = sorted(CASES)
# torch's CTC backward returns the gradient for logits fed through log_softmax (it adds
# exp(log_probs) * dL/dloss per valid step); ft.grad gives the derivative with respect to
# log_probs itself. test_ctc_gradient_is_torchs_without_the_softmax_term relates the two.
CTC_NAMES = [name for name in NAMES if name.startswith("CTCLoss")]
GRAD_NAMES = [name for name in NAMES if CASES[name].get("grad", True) and name not in CTC_NAMES]


@pytest.fixture(autouse=True)
def _float64():
    ft.set_default_dtype(ft.float64)  # conftest restores the default


@pytest.mark.parametrize("name", NAMES)
def test_state_dict_keys_and_shapes_match_torch(name):
    base.test_state_dict_keys_and_shapes_match_torch(name)


@pytest.mark.parametrize("name", NAMES)
def test_outputs_and_buffers_match_torch(name):
    base.test_outputs_and_buffers_match_torch(name)


@pytest.mark.parametrize("name", GRAD_NAMES)
def test_grad_over_module_pytree_matches_torch(name):
    base.test_grad_over_module_pytree_matches_torch(name)


@pytest.mark.parametrize("name", GRAD_NAMES)
def test_backward_fills_parameter_grads_like_torch(name):
    base.test_backward_fills_parameter_grads_like_torch(name)


def _floats(out):
    return [np.asarray(leaf.detach()) if isinstance(leaf, ft.Array) else leaf
            for leaf in base.flat_outputs(out) if leaf.dtype.kind == "f"]




@pytest.mark.parametrize("name", NAMES)
def test_jit_equals_eager(name):
    spec = CASES[name]
    layer = build(spec)
    if spec["train"]:
        layer.eval()  # training-mode buffer updates are checked eagerly above
    args, kw = base.inputs(spec)
    expected = _floats(layer(*args, **kw))
    floats = [i for i, a in enumerate(args) if base._is_float(a)]  # int args stay static

    def run(model, *diff):
        full = list(args)
        for i, value in zip(floats, diff):
            full[i] = value
        return model(*full, **kw)

    got = _floats(ft.jit(run)(layer, *[args[i] for i in floats]))
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", [n for n in NAMES if dict(build(CASES[n], False)
                                                           .named_parameters())])
def test_vmap_over_stacked_ensemble_equals_loop(name):
    spec = CASES[name]
    first = build(spec).eval()
    second = ft.tree.map(lambda leaf: leaf * 0.9 + 0.05, first)
    args, kw = base.inputs(spec)
    stacked = ft.tree.map(lambda a, b: ft.stack([a, b]), first, second)
    batched = _floats(ft.vmap(lambda model: model(*args, **kw))(stacked))
    for member, model in enumerate((first, second)):
        for b, e in zip(batched, _floats(model(*args, **kw))):
            np.testing.assert_allclose(b[member], e, rtol=1e-10,
                                       atol=1e-12)


@pytest.mark.parametrize("name", CTC_NAMES)
def test_ctc_gradient_is_torchs_without_the_softmax_term(name):
    spec = CASES[name]
    layer = build(spec)
    (log_probs, targets, in_lengths, tgt_lengths), kw = base.inputs(spec)
    ours = ft.grad(lambda lp: base.weighted_sum(name, layer(lp, targets, in_lengths,
                                                             tgt_lengths, **kw)))(log_probs)
    per_sample = ft.nn.functional.ctc_loss(log_probs, targets, in_lengths, tgt_lengths,
                                           layer.blank, "none", False)
    if layer.reduction == "none":
        weight = ft.array(base.REF[f"{name}/ct0"])
    else:
        weight = ft.ones(per_sample.shape) * float(base.REF[f"{name}/ct0"])
        if layer.reduction == "mean":
            weight = weight / (ft.maximum(tgt_lengths, 1) * per_sample.shape[0])
    if layer.zero_infinity:  # an infinite loss gets no gradient at all
        weight = ft.where(ft.isinf(per_sample), 0.0, weight)
    steps = ft.arange(log_probs.shape[0])[:, None] < in_lengths[None, :]
    softmax_term = ft.exp(log_probs) * ft.where(steps, weight[None, :], 0.0)[..., None]
    base._close(ours + softmax_term, base.REF[f"{name}/gin0"], name, "torch's CTC gradient")


def _to32(value):
    return value.astype(ft.float32) if value.dtype == ft.float64 else value


@pytest.mark.parametrize("name", NAMES)
def test_float32_outputs_stay_float32_and_match_torch(name):
    spec = CASES[name]
    layer = ft.tree.map(_to32, build(spec).eval())
    args, kw = base.inputs(spec)
    args = [ft.tree.map(_to32, a) for a in args]
    kw = {k: _to32(v) if isinstance(v, ft.Array) else v for k, v in kw.items()}
    outs = base.flat_outputs(layer(*args, **kw))
    for j, out in enumerate(outs):
        expected = base.REF[f"{name}/out{j}"]
        if expected.dtype.kind == "f" and not spec["train"]:
            assert out.dtype == ft.float32, f"{name}: output {j} is {out.dtype}"
            np.testing.assert_allclose(np.asarray(out.detach()), expected, rtol=2e-4,
                                       atol=2e-4, err_msg=name)
