"""Every layer, loss and PyTorch option against PyTorch: state_dict keys and shapes,
outputs (integer ones, such as max-pool indices, exactly and as int64), gradients
(through ``ft.grad`` over the module pytree and through ``backward()``), buffers after a
training-mode call and, where PyTorch writes them (Embedding's max_norm), parameters
after a PyTorch-style call. ``F.<name>`` cases run ``ft.nn.functional.<name>``.
Reference values: tests/fixtures/make_nn_fixtures.py."""

import json
import os

import numpy as np
import pytest

import funtorch as ft

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "nn_reference.npz")
REF = dict(np.load(FIXTURE, allow_pickle=False))
CASES = {c["name"]: c for c in json.loads(REF["__cases__"].tobytes().decode())}
# erf is approximated to ~1e-7 absolute; everything else is float64 round-off.
ERF_CASES = ("GELU_3", "TransformerEncoderLayer_prenorm_gelu")


def _tol(name):
    return 2e-7 if name in ERF_CASES else 1e-9


def _close(actual, expected, name, what):
    tol = _tol(name)
    if isinstance(actual, ft.Array):
        actual = actual.detach()  # np.asarray refuses arrays that require grad, as torch
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), expected, rtol=max(tol, 1e-7),
                               atol=tol, err_msg=f"{name}: {what}")


@pytest.fixture(autouse=True)
def _float64():
    ft.set_default_dtype(ft.float64)  # conftest restores the default


class Functional(ft.nn.Module):
    """An ``ft.nn.functional`` function as a layer without parameters (static config)."""

    def __init__(self, fn, args, kwargs):
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs

    def forward(self, *inputs):
        return self.fn(*inputs, *self.args, **self.kwargs)


def build(spec, load=True):
    name = spec["name"]
    kwargs = {k: ft.array(REF[f"{name}/kw/{k}"]) if f"{name}/kw/{k}" in REF else v
              for k, v in spec["kwargs"].items()}
    if spec["cls"].startswith("F."):
        return Functional(getattr(ft.nn.functional, spec["cls"][2:]), spec["args"], kwargs)
    layer = getattr(ft.nn, spec["cls"])(*spec["args"], **kwargs)
    layer.train(spec["train"])
    if load:
        prefix = f"{name}/sd/"
        layer.load_state_dict({k[len(prefix):]: v for k, v in REF.items()
                               if k.startswith(prefix)})
    return layer


def _input(name, i, input_spec):
    if isinstance(input_spec, list):  # a tuple input, e.g. an LSTM's (h_0, c_0)
        return tuple(ft.array(REF[f"{name}/in{i}.{k}"]) for k in range(len(input_spec)))
    return ft.array(REF[f"{name}/in{i}"])


def inputs(spec):
    name = spec["name"]
    args = [_input(name, i, s) for i, s in enumerate(spec["inputs"])]
    kw = {k: ft.array(REF[f"{name}/kwin/{k}"]) for k in spec["kw_inputs"]}
    return args, {**kw, **spec["call"]}


def _is_float(arg):
    return all(leaf.dtype.kind == "f" for leaf in ft.tree.leaves(arg))


def _check_input_grad(name, i, g):
    members = g if isinstance(g, tuple) else (g,)
    keys = [f"{name}/gin{i}.{k}" for k in range(len(members))] if isinstance(g, tuple) else [
        f"{name}/gin{i}"]
    for key, member in zip(keys, members):
        if key in REF:
            _close(member, REF[key], name, f"grad of input {key}")


def flat_outputs(out):
    return [leaf for leaf in ft.tree.leaves(out) if leaf is not None]


def weighted_sum(name, out):
    total = 0.0
    for j, leaf in enumerate(flat_outputs(out)):
        if f"{name}/ct{j}" in REF:  # integer outputs (indices) have no cotangent
            total = total + ft.sum(leaf * ft.array(REF[f"{name}/ct{j}"]))
    return total


NAMES = sorted(CASES)
GRAD_NAMES = [name for name in NAMES if CASES[name].get("grad", True)]


@pytest.mark.parametrize("name", NAMES)
def test_state_dict_keys_and_shapes_match_torch(name):
    spec = CASES[name]
    layer = build(spec, load=False)
    ours = [[k, list(v.shape)] for k, v in layer.state_dict().items()]
    assert ours == spec["keys"]


@pytest.mark.parametrize("name", NAMES)
def test_outputs_and_buffers_match_torch(name):
    spec = CASES[name]
    layer = build(spec)
    args, kw = inputs(spec)
    outs = flat_outputs(layer(*args, **kw))
    assert len(outs) == len([k for k in REF if k.startswith(f"{name}/out")])
    for j, out in enumerate(outs):
        expected = REF[f"{name}/out{j}"]
        if expected.dtype.kind in "iu":
            assert out.dtype == expected.dtype, f"{name}: output {j} dtype {out.dtype}"
            np.testing.assert_array_equal(out.numpy(), expected, err_msg=f"{name}: output {j}")
        else:
            _close(out, expected, name, f"output {j}")
    for key, buf in layer.named_buffers():
        _close(buf, REF[f"{name}/after/{key}"], name, f"buffer {key} after the call")
    for key, param in layer.named_parameters():
        if f"{name}/afterparam/{key}" in REF:
            _close(param, REF[f"{name}/afterparam/{key}"], name, f"{key} after the call")


@pytest.mark.parametrize("name", GRAD_NAMES)
def test_grad_over_module_pytree_matches_torch(name):
    spec = CASES[name]
    layer = build(spec)
    args, kw = inputs(spec)
    float_args = [i for i, a in enumerate(args) if _is_float(a)]

    def loss(model, *diff):
        full = list(args)
        for i, value in zip(float_args, diff):
            full[i] = value
        return weighted_sum(name, model(*full, **kw))

    grads = ft.grad(loss, argnums=tuple(range(1 + len(float_args))))(
        layer, *[args[i] for i in float_args])
    assert type(grads[0]) is type(layer)
    for key, g in grads[0].named_parameters():
        _close(g, REF[f"{name}/grad/{key}"], name, f"grad of {key}")
    for i, g in zip(float_args, grads[1:]):
        _check_input_grad(name, i, g)


@pytest.mark.parametrize("name", GRAD_NAMES)
def test_backward_fills_parameter_grads_like_torch(name):
    spec = CASES[name]
    layer = build(spec)
    args, kw = inputs(spec)
    params = dict(layer.named_parameters())
    if not params:
        pytest.skip("no parameters")
    weighted_sum(name, layer(*args, **kw)).backward()
    for key, param in params.items():
        _close(param.grad, REF[f"{name}/grad/{key}"], name, f".grad of {key}")
