"""What a lowering rule writes into: ONNX nodes, constants and shape tensors.

Dynamic axes are found by staging the function twice, the second time with every dynamic
axis of the example arguments grown (``alt`` shapes). A dimension whose size differs
between the two stagings depends on a dynamic axis: :meth:`LoweringContext.shape_of`
then reads it at run time from a tensor with the same dimension (``Shape``), so no shape
constant bakes in the traced size.
"""

from __future__ import annotations

import numpy as np

from funtorch.transforms.graph import Literal, Var

__all__ = ["LoweringContext", "onnx_dtype"]

INT64_MAX = np.iinfo(np.int64).max


def onnx_dtype(dtype):
    """The ``onnx.TensorProto`` element type of a NumPy dtype (complex ones are refused:
    ONNX operators and ONNX Runtime do not compute with them)."""
    from onnx import helper

    dtype = np.dtype(dtype)
    if dtype.kind == "c":
        raise TypeError(f"onnx.export: a value of dtype {dtype} in the program; ONNX operators "
                        "do not compute with complex numbers: export a function of the real "
                        "and imaginary parts (z.real, z.imag) as float arrays")
    return helper.np_dtype_to_tensor_dtype(dtype)


class LoweringContext:
    """Builds one ONNX graph: ``node`` emits an operator, ``const`` an initializer,
    ``shape_of``/``dim`` shape tensors that stay symbolic on dynamic axes.

    Attributes:
        opset: the target opset of the default domain.
        eqn: the equation being lowered (set by the driver).
    """

    def __init__(self, opset, alt_shapes=None, alt_eqns=None):
        self.opset = opset
        self.nodes = []
        self.initializers = []
        self.names = {}  # id(Var) -> ONNX name
        self.alt_shapes = alt_shapes or {}  # id(Var) -> shape in the second staging
        self.alt_eqns = alt_eqns or {}  # id(Eqn) -> the same equation, second staging
        self.dim_sources = {}  # (size, alt size) -> (ONNX name, axis)
        self.producers = {}  # ONNX name -> the NodeProto that writes it
        self.uses = {}  # id(Var) -> number of equations reading it
        self.results = {}  # ONNX name -> the Var it holds (value_info of this graph scope)
        self.small_consts = {}  # (dtype, shape, bytes) -> initializer name (shared)
        self.dims = {}  # (size, alt size) -> name of its run-time size (per graph scope)
        self.filled = {}  # id(constant Var of a dynamic shape) -> how to build it at run time
        self.eqn_of = {}  # id(Var) -> the equation writing it
        self.lowered_from = {}  # ONNX name -> (eqn, input names) of the rule that made it
        self.const_values = {}  # id(Var) -> the value of a constant (initializer) Var
        self.gemms = {}  # ONNX name of a bias-free Gemm's output -> its Var
        self.sources = {}  # id(Var) -> (Var, "at file:line") of the equation writing it
        self.state = {}  # id(Parameter or buffer) -> its name in the Module's state
        self.taken = set()  # initializer names in use
        self.eqn = None
        self.literal_dtype = None  # the dtype the current equation's Python scalars take
        self._counter = [0]

    # Names and nodes -----------------------------------------------------------------------

    def fresh(self, hint="t"):
        self._counter[0] += 1
        return f"{hint}_{self._counter[0]}"

    def node(self, op_type, inputs, outputs=1, domain=None, **attrs):
        """Emit ``op_type(*inputs)`` with attributes ``attrs``; return its output name
        (a tuple of names when ``outputs > 1``). ``""`` in ``inputs`` skips an optional
        input."""
        from onnx import helper

        names = [self.fresh(op_type) for _ in range(outputs)]
        node = helper.make_node(op_type, list(inputs), names, name=self.fresh("n"),
                                domain=domain, **attrs)
        self.nodes.append(node)
        for name in names:
            self.producers[name] = node
        return names[0] if outputs == 1 else tuple(names)

    def const(self, value, dtype=None, hint="c"):
        """An initializer holding ``value`` (cast to ``dtype`` when given)."""
        from onnx import numpy_helper

        array = np.asarray(value, dtype=dtype)
        key = (array.dtype.str, array.shape, array.tobytes()) if array.size <= 16 else None
        if key is not None and key in self.small_consts:
            return self.small_consts[key]
        name = self.fresh(hint)
        if key is not None:
            self.small_consts[key] = name
        self.initializers.append(numpy_helper.from_array(np.asarray(array, order="C"), name))
        return name

    def ints(self, values):
        """A 1-D int64 constant (axes, shapes, starts, ...); entries that are names of
        1-element int64 tensors (sizes read at run time) are concatenated in."""
        values = list(values)
        if not any(isinstance(v, str) for v in values):
            return self.const(np.asarray(values, dtype=np.int64).reshape(-1))
        parts = [v if isinstance(v, str) else self.ints([v]) for v in values]
        return self.node("Concat", parts, axis=0)

    def name_of(self, value, dtype):
        """The ONNX name of an equation input: a Var's name, or a Literal as a constant of
        ``dtype`` (a Python scalar that differs between the two stagings is read from
        the shape)."""
        if isinstance(value, Var):
            return self.names[id(value)]
        alt = self._alt_literal(value)
        if alt is not None and alt != value.value:
            dim = self.dim_of_sizes((value.value, alt))
            if dim is None:
                raise ValueError(f"onnx.export: the constant {value.value!r} of "
                                 f"`{self.eqn.prim.name}` depends on a dynamic axis but is not "
                                 f"one of its sizes; export with a static shape")
            return self.node("Cast", [self.node("Squeeze", [dim])], to=onnx_dtype(dtype))
        return self.const(value.value, dtype)

    def input_dtypes(self):
        """The dtypes of the current equation's inputs (a Python scalar's: the one the
        driver gave its constant)."""
        return [v.dtype if isinstance(v, Var) else self.literal_dtype for v in self.eqn.inputs]

    def _alt_literal(self, literal):
        alt_eqn = self.alt_eqns.get(id(self.eqn))
        if alt_eqn is None:
            return None
        for mine, theirs in zip(self.eqn.inputs, alt_eqn.inputs):
            if mine is literal:
                return theirs.value if isinstance(theirs, Literal) else None
        return None

    def alt_params(self):
        """The current equation's params in the second staging (its own without one)."""
        alt_eqn = self.alt_eqns.get(id(self.eqn))
        return self.eqn.params if alt_eqn is None else alt_eqn.params

    def subgraph(self):
        """A context for the body of a Scan/Loop: its own nodes and shape sources (values
        made inside a body are not visible outside), everything else shared (names stay
        unique, outer values and initializers are visible inside)."""
        sub = LoweringContext.__new__(LoweringContext)
        sub.__dict__.update(self.__dict__)
        sub.nodes, sub.producers, sub.results = [], dict(self.producers), {}
        sub.dim_sources, sub.dims = dict(self.dim_sources), dict(self.dims)
        return sub

    # Shapes -------------------------------------------------------------------------------

    def alt_shape(self, var):
        return self.alt_shapes.get(id(var), var.shape)

    def is_dynamic(self, var, axis):
        return var.shape[axis] != self.alt_shape(var)[axis]

    def any_dynamic(self, var):
        return any(self.is_dynamic(var, axis) for axis in range(var.ndim))

    def add_dim_source(self, var, name):
        """Record ``name`` (the ONNX value of ``var``) as a place to read its dynamic sizes."""
        alt = self.alt_shape(var)
        for axis, pair in enumerate(zip(var.shape, alt)):
            if pair[0] != pair[1] and pair not in self.dim_sources:
                self.dim_sources[pair] = (name, axis)

    def dim_of_sizes(self, pair):
        """A 1-element int64 tensor read at run time from a tensor whose axis has the sizes
        ``pair`` (traced, second staging), or the product of two such sizes (a flattened
        batch and sequence); ``None`` if no tensor seen so far has it."""
        if pair not in self.dims:
            found = self._find_dim(pair)
            if found is None:
                return None
            self.dims[pair] = found
        return self.dims[pair]

    def _find_dim(self, pair):
        source = self.dim_sources.get(pair)
        if source is not None:
            name, axis = source
            return self.node("Shape", [name], start=axis, end=axis + 1)
        for first in self.dim_sources:
            other = (pair[0] // first[0], pair[1] // first[1]) if first[0] and first[1] else None
            if other in self.dim_sources and other[0] * first[0] == pair[0] and (
                    other[1] * first[1] == pair[1]):
                return self.node("Mul", [self.dim_of_sizes(first), self.dim_of_sizes(other)])
        return None

    def dim(self, var, axis):
        """A 1-element int64 tensor holding the size of ``var``'s ``axis`` (read at run time
        when the axis is dynamic); ``None`` if no tensor seen so far has that size."""
        if not self.is_dynamic(var, axis):
            return self.ints([var.shape[axis]])
        return self.dim_of_sizes((var.shape[axis], self.alt_shape(var)[axis]))

    def shape_of(self, var, infer_one=False):
        """An int64 tensor holding ``var``'s shape; with ``infer_one`` a single dynamic size
        that no tensor carries becomes -1 (a Reshape target)."""
        if not self.any_dynamic(var):
            return self.ints(var.shape)
        parts, unknown = [], 0
        for axis in range(var.ndim):
            dim = self.dim(var, axis)
            if dim is None:
                unknown += 1
                dim = self.ints([-1])
            parts.append(dim)
        if unknown > (1 if infer_one else 0):
            what = f"`{self.eqn.prim.name}`" if self.eqn is not None else "a constant"
            raise ValueError(f"onnx.export: the shape {var.shape} of the result of "
                             f"{what} depends on the dynamic axes in a way "
                             f"the exporter cannot express; export with a static shape")
        return self.node("Concat", parts, axis=0)

    def is_static_shape(self, var):
        return not self.any_dynamic(var)
