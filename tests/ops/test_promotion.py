"""dtype promotion between array operands, for every primitive taking two or more arrays.

An integer or bool array meeting a floating array takes the floating array's dtype, as
in PyTorch and JAX (NumPy would widen ``float32 * int64`` to float64). Arrays of one
kind keep NumPy's rules (``int32 + int64 -> int64``, ``float32 + float64 -> float64``).
Python scalars stay weak (covered in tests/test_arrays.py).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funtorch as ft
from funtorch.core import Primitive
from funtorch.nn.functional.attention_fused import fused_attention
from funtorch.nn.normalization_fused import fused_layer_norm
from funtorch.ops.math_scan import recurrence
from funtorch.testing.strategies import Sampler

# Each primitive whose samples combine two value arrays, through the public function that
# binds it. "value": the result has the promoted dtype; "bool": a comparison, the operands
# are promoted but the result is bool; "operand": a scatter keeps the operand's dtype, as
# JAX's x.at[i].set(v).
PUBLIC = {
    "add": (lambda x, y: x + y, "value"),
    "sub": (lambda x, y: x - y, "value"),
    "mul": (lambda x, y: x * y, "value"),
    "div": (lambda x, y: x / y, "value"),
    "pow": (lambda x, y: x ** y, "value"),
    "floor_divide": (lambda x, y: x // y, "value"),
    "mod": (lambda x, y: x % y, "value"),
    "maximum": (ft.maximum, "value"),
    "minimum": (ft.minimum, "value"),
    "arctan2": (ft.arctan2, "value"),
    "logaddexp": (ft.logaddexp, "value"),
    "fmod": (ft.fmod, "value"),
    "hypot": (ft.hypot, "value"),
    "logaddexp2": (ft.logaddexp2, "value"),
    "nextafter": (ft.nextafter, "value"),
    "linear_recurrence": (lambda x, y: recurrence(x, y, 0), "value"),
    "betaln": (ft.special.betaln, "value"),
    "owens_t": (ft.special.owens_t, "value"),
    "xlogy": (ft.special.xlogy, "value"),
    "xlog1py": (ft.special.xlog1py, "value"),
    "where": (lambda x, y: ft.where(ft.array([[True], [False]]), x, y), "value"),
    "concatenate": (lambda x, y: ft.concatenate([x, y]), "value"),
    "matmul": (lambda x, y: x @ y, "value"),
    "einsum": (lambda x, y: ft.einsum("ij,jk->ik", x, y), "value"),
    "solve": (ft.linalg.solve, "value"),
    "solve_triangular": (ft.scipy.linalg.solve_triangular, "value"),
    "eq": (lambda x, y: x == y, "bool"),
    "ne": (lambda x, y: x != y, "bool"),
    "lt": (lambda x, y: x < y, "bool"),
    "le": (lambda x, y: x <= y, "bool"),
    "gt": (lambda x, y: x > y, "bool"),
    "ge": (lambda x, y: x >= y, "bool"),
    "scatter": (lambda x, y: x.at[0].set(y[0]), "operand"),
    "scatter_add": (lambda x, y: x.at[0].add(y[0]), "operand"),
    "scatter_mul": (lambda x, y: x.at[0].multiply(y[0]), "operand"),
    "scatter_min": (lambda x, y: x.at[0].min(y[0]), "operand"),
    "scatter_max": (lambda x, y: x.at[0].max(y[0]), "operand"),
    "fused_attention": (lambda x, y: fused_attention(x, y, y), "value"),
    "fused_attention_dropout": (lambda x, y: fused_attention(
        x, y, y, dropout_p=0.5, dropout_key=ft.random.key(0)), "value"),
    "layer_norm": (lambda x, y: fused_layer_norm(x, 1, y[0], y[1]), "value"),
    "complex": (ft.complex, "complex"),  # the complex dtype of the promoted precision
}
# Public functions built on the primitives above, checked the same way.
COMPOSITES = {
    "stack": lambda x, y: ft.stack([x, y]),
    "tensordot": lambda x, y: ft.tensordot(x, y, 1),
    "dot": ft.dot,
    "inner": ft.inner,
    "outer": ft.outer,
    "mm": ft.mm,
    "clip": lambda x, y: ft.clip(x, y, None),
    "subtract": ft.subtract,
    "divide": ft.divide,
    "power": ft.power,
}
MIXED = [  # (x dtype, y dtype, promoted dtype)
    ("float32", "int64", "float32"),
    ("int64", "float32", "float32"),
    ("float16", "int32", "float16"),
    ("uint8", "float16", "float16"),
    ("float32", "bool", "float32"),
    ("float64", "int32", "float64"),
]
SAME_KIND = [("float32", "float64", "float64"), ("int32", "int64", "int64")]
# LAPACK has no float16 (NumPy raises for float16 matrices)
NO_FLOAT16 = {"solve", "solve_triangular"}
# integer operands become the default float
FLOAT_ONLY = {"solve", "solve_triangular", "arctan2", "logaddexp", "hypot", "logaddexp2",
              "nextafter", "linear_recurrence", "betaln", "owens_t", "xlogy", "xlog1py",
              "fused_attention", "fused_attention_dropout", "layer_norm"}


def _operand(dtype):
    """A well-conditioned 2x2 matrix of ``dtype`` (solve and pow need one)."""
    values = np.array([[2, 1], [1, 3]]) if dtype != "bool" else np.ones((2, 2), bool)
    return ft.array(values.astype(dtype))


def _value_arrays(args):
    return [a for a in args if isinstance(a, ft.Array) and a.dtype.kind == "f"]


@pytest.mark.parametrize("name", sorted(Primitive.registry))
@settings(max_examples=1, deadline=None, database=None)
@given(data=st.data())
def test_every_primitive_combining_float_arrays_is_covered(name, data):
    prim = Primitive.registry[name]
    args, _ = prim.samples(Sampler(data.draw))
    if len(_value_arrays(args)) >= 2:
        assert name in PUBLIC, (f"primitive '{name}' combines float arrays: add its public "
                                "function to PUBLIC in tests/ops/test_promotion.py")


@pytest.mark.parametrize("x_dtype, y_dtype, promoted", MIXED)
@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_mixed_kinds_take_the_floating_dtype(name, x_dtype, y_dtype, promoted):
    fn, kind = PUBLIC[name]
    if name in NO_FLOAT16 and "float16" in (x_dtype, y_dtype):
        pytest.skip("no float16 linear algebra in NumPy")
    out = fn(_operand(x_dtype), _operand(y_dtype))
    expected = {"value": promoted, "bool": "bool", "operand": x_dtype,
                "complex": ft.dtypes.complex_of(np.dtype(promoted))}[kind]
    assert out.dtype == np.dtype(expected), f"{name}({x_dtype}, {y_dtype}) gave {out.dtype}"


@pytest.mark.parametrize("x_dtype, y_dtype, promoted", MIXED)
@pytest.mark.parametrize("name", sorted(COMPOSITES))
def test_public_compositions_take_the_floating_dtype(name, x_dtype, y_dtype, promoted):
    out = COMPOSITES[name](_operand(x_dtype), _operand(y_dtype))
    assert out.dtype == np.dtype(promoted), f"{name}({x_dtype}, {y_dtype}) gave {out.dtype}"


@pytest.mark.parametrize("x_dtype, y_dtype, promoted", SAME_KIND)
@pytest.mark.parametrize("name", sorted(n for n, (_, kind) in PUBLIC.items()
                                        if kind == "value" and n not in FLOAT_ONLY))
def test_one_kind_keeps_numpy_rules(name, x_dtype, y_dtype, promoted):
    fn, _ = PUBLIC[name]
    out = fn(_operand(x_dtype), _operand(y_dtype))
    if name == "div" and promoted.startswith("int"):
        promoted = "float32"  # true division of integers: the default float
    assert out.dtype == np.dtype(promoted), f"{name}({x_dtype}, {y_dtype}) gave {out.dtype}"


@pytest.mark.parametrize("x_dtype, y_dtype", [("int64", "bool"), ("bool", "int32"),
                                              ("uint8", "int16"), ("int8", "bool")])
@pytest.mark.parametrize("op", ["add", "multiply", "maximum"])
def test_integer_and_bool_pairs_keep_numpy_rules(op, x_dtype, y_dtype):
    # (an integer meeting a bool or another integer kind was cast to complex64)
    x, y = np.array([1, 0, 3]).astype(x_dtype), np.array([1, 1, 0]).astype(y_dtype)
    out = getattr(ft, op)(ft.array(x), ft.array(y))
    want = getattr(np, op)(x, y)
    assert out.dtype == want.dtype
    np.testing.assert_array_equal(out.numpy(), want)


def test_comparison_converts_the_integer_operand_to_the_float_dtype():
    # 2**24 + 1 is not a float32: compared as float32 (PyTorch, JAX) it equals 2**24
    assert (ft.array([2 ** 24 + 1]) == ft.array([2.0 ** 24], dtype=ft.float32)).item()


def test_promotion_under_jit_and_vmap_matches_eager():
    x, n = ft.ones((3, 2)), ft.arange(2)
    assert ft.jit(lambda a, b: a * b)(x, n).dtype == ft.float32
    assert ft.vmap(lambda a: a * n)(x).dtype == ft.float32
    assert ft.vmap(lambda a, b: a * b)(x, ft.ones((3, 2), dtype=ft.int64)).dtype == ft.float32


def test_gradient_through_an_integer_constant_is_float32():
    assert ft.grad(lambda x: (x * ft.arange(2)).sum())(ft.ones(2)).dtype == ft.float32
    leaf = ft.tensor([1.0, 2.0], requires_grad=True)
    (leaf * ft.arange(2)).sum().backward()
    assert leaf.grad.dtype == ft.float32
    assert leaf.grad.tolist() == [0.0, 1.0]


def test_gradients_come_back_in_the_input_dtype():
    # a float64 constant widens the value (NumPy rules between floats), not the gradient
    constant = ft.array(np.array([1.0, 2.0]))
    assert ft.grad(lambda x: (x * constant).sum())(ft.ones(2)).dtype == ft.float32
    _, pullback = ft.vjp(lambda x: x * constant, ft.ones(2))
    assert pullback(ft.ones(2, dtype=ft.float64))[0].dtype == ft.float32
    leaf = ft.tensor([1.0, 2.0], requires_grad=True)
    (leaf * constant).sum().backward()
    assert leaf.grad.dtype == ft.float32
    (leaf * constant).sum().backward()  # accumulation keeps it
    assert leaf.grad.dtype == ft.float32 and leaf.grad.tolist() == [2.0, 4.0]


def test_result_type():
    assert ft.dtypes.result_type(ft.float16, ft.int64, ft.bool_) == ft.float16
    assert ft.dtypes.result_type(ft.float16, ft.int64, ft.float32) == ft.float32
    assert ft.dtypes.result_type(ft.int32, ft.int64) == ft.int64
    assert ft.dtypes.result_type(ft.uint8, ft.bool_) == ft.uint8
