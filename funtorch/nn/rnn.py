"""RNNCell, LSTMCell, GRUCell and the multi-layer RNN, LSTM, GRU (PyTorch's parameter
names, gate order and outputs).

The input projection of a whole sequence is one matmul; the recurrence is one ``ft.scan``
over time steps.
"""

from __future__ import annotations

import math
from typing import Any

import funtorch as ft
from funtorch.nn import functional as F
from funtorch.nn import init
from funtorch.nn._layer_utils import check_sizes, make_param, split_keys
from funtorch.nn._layer_docs import rnn_method_docs, rnn_sections
from funtorch.nn.module import Module
from funtorch.typing import Array, ArrayLike, DTypeLike, Key

__all__ = ["RNNCell", "LSTMCell", "GRUCell", "RNN", "LSTM", "GRU"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _documented(cls: Any, cell: bool) -> None:
    """Give a public subclass its Args/Raises/Shape sections (``_layer_docs``)."""
    if not cls.__name__.startswith("_"):
        cls.__doc__ = rnn_sections(cls, cls._mode.split("_")[0], cell)


def _step(mode, xw, state, w_hh, b_hh):
    """One time step from the precomputed input projection ``xw``; returns the new state
    (``h``, or ``(h, c)`` for LSTM)."""
    h = state[0] if mode == "LSTM" else state
    hw = F.linear(h, w_hh, b_hh)
    if mode == "RNN_TANH":
        return ft.tanh(xw + hw)
    if mode == "RNN_RELU":
        return F.relu(xw + hw)
    if mode == "LSTM":
        i, f, g, o = ft.split(xw + hw, 4, axis=-1)
        c = ft.sigmoid(f) * state[1] + ft.sigmoid(i) * ft.tanh(g)
        return ft.sigmoid(o) * ft.tanh(c), c
    x_r, x_z, x_n = ft.split(xw, 3, axis=-1)
    h_r, h_z, h_n = ft.split(hw, 3, axis=-1)
    r, z = ft.sigmoid(x_r + h_r), ft.sigmoid(x_z + h_z)
    n = ft.tanh(x_n + r * h_n)
    return (1.0 - z) * n + z * h


def _init_params(module, shapes, hidden_size, dtype, device, key):
    bound = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0
    for (name, shape), sub in zip(shapes, split_keys(key, len(shapes))):
        setattr(module, name, make_param(init.uniform(sub, shape, -bound, bound, dtype), device))


class _CellBase(Module):
    _mode = "RNN_TANH"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _documented(cls, cell=True)

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: DTypeLike = None, *, key: Key | None = None) -> None:
        super().__init__()
        check_sizes(self, input_size=input_size, hidden_size=hidden_size)
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        gates = _GATES[self._mode] * hidden_size
        shapes = [("weight_ih", (gates, input_size)), ("weight_hh", (gates, hidden_size))]
        if bias:
            shapes += [("bias_ih", (gates,)), ("bias_hh", (gates,))]
        _init_params(self, shapes, hidden_size, dtype, device, key)
        if not bias:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)

    def _zeros(self, input):
        return ft.zeros(tuple(input.shape[:-1]) + (self.hidden_size,), dtype=input.dtype,
                        device=input.device)

    def _run(self, input, state):
        expected = tuple(input.shape[:-1]) + (self.hidden_size,)
        for index, part in enumerate(state if isinstance(state, tuple) else (state,)):
            if tuple(part.shape) != expected:
                raise RuntimeError(f"{type(self).__name__}: expected hidden{index} of shape "
                                   f"{expected} (the input's batch, hidden_size), got "
                                   f"{tuple(part.shape)}")
        xw = F.linear(input, self.weight_ih, self.bias_ih)
        return _step(self._mode, xw, state, self.weight_hh, self.bias_hh)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        return text + (", bias=False" if not self.bias else "")


class RNNCell(_CellBase):
    """One Elman RNN step: ``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`` (or relu).

    Example:
        >>> ft.nn.RNNCell(3, 5)(ft.randn(4, 3)).shape
        (4, 5)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: Any = None, dtype: DTypeLike = None, *,
                 key: Key | None = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        object.__setattr__(self, "_mode", "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU")
        super().__init__(input_size, hidden_size, bias, device, dtype, key=key)
        self.nonlinearity = nonlinearity

    def forward(self, input: ArrayLike, hx: Any = None) -> Array:
        return self._run(input, self._zeros(input) if hx is None else hx)


class LSTMCell(_CellBase):
    """One LSTM step: gates ``i, f, g, o`` from ``W_ih x + b_ih + W_hh h + b_hh``, then
    ``c' = sigmoid(f) c + sigmoid(i) tanh(g)`` and ``h' = sigmoid(o) tanh(c')``.

    Example:
        >>> h, c = ft.nn.LSTMCell(3, 5)(ft.randn(4, 3)); h.shape, c.shape
        ((4, 5), (4, 5))
    """

    _mode = "LSTM"

    def forward(self, input: ArrayLike, hx: Any = None) -> tuple[Array, Array]:
        if hx is None:
            hx = (self._zeros(input), self._zeros(input))
        return self._run(input, tuple(hx))


class GRUCell(_CellBase):
    """One GRU step: ``r, z = sigmoid(W_i{r,z} x + b + W_h{r,z} h + b)``,
    ``n = tanh(W_in x + b_in + r (W_hn h + b_hn))``, ``h' = (1 - z) n + z h``.

    Example:
        >>> ft.nn.GRUCell(3, 5)(ft.randn(4, 3)).shape
        (4, 5)
    """

    _mode = "GRU"

    def forward(self, input: ArrayLike, hx: Any = None) -> Array:
        return self._run(input, self._zeros(input) if hx is None else hx)


def _run_direction(mode, xs, state, w_hh, b_hh, reverse, w_hr=None):
    """Recur over axis 0 of the projected inputs ``xs``; returns (outputs, final state).

    One ``ft.scan`` whose body reads the recurrent weights as loop constants: the whole
    sequence is a single primitive, and its backward pass runs one transposed step per
    step on the residuals the forward pass stored, summing the weights' gradients.
    """
    if mode != "GRU" and b_hh is not None:
        # outside GRU's reset gate the recurrent bias just adds to the input projection:
        # one add over the sequence (and one bias reduction in the backward pass)
        # instead of one per step
        xs, b_hh = xs + b_hh, None

    def body(state, xw):
        new = _step(mode, xw, state, w_hh, b_hh)
        if w_hr is not None:  # LSTMP: h = W_hr (o * tanh(c))
            new = (F.linear(new[0], w_hr), new[1])
        return new, (new[0] if mode == "LSTM" else new)
    state, outputs = ft.scan(body, state, xs, reverse=reverse)
    return outputs, state


def _check_proj_size(proj_size, hidden_size, mode):
    if not isinstance(proj_size, int) or proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable "
                         f"projections, got {proj_size!r}")
    if proj_size and mode != "LSTM":
        raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
    if proj_size and proj_size >= hidden_size:
        raise ValueError(f"proj_size has to be smaller than hidden_size, got proj_size="
                         f"{proj_size} and hidden_size={hidden_size}")


class _RNNBase(Module):
    _mode = "LSTM"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _documented(cls, cell=False)

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device: Any = None, dtype: DTypeLike = None, *, proj_size: int = 0,
                 key: Key | None = None) -> None:
        super().__init__()
        check_sizes(self, input_size=input_size, hidden_size=hidden_size)
        if not isinstance(num_layers, int) or num_layers < 1:
            raise ValueError(f"{type(self).__name__}: num_layers must be a positive integer, "
                             f"got num_layers={num_layers!r}")
        if not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        _check_proj_size(proj_size, hidden_size, self._mode)
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        _init_params(self, self._shapes(), hidden_size, dtype, device, key)

    def _shapes(self):
        """PyTorch's parameters in registration order: per layer and direction
        ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``, ``weight_hr``."""
        gates = _GATES[self._mode] * self.hidden_size
        real_hidden = self.proj_size or self.hidden_size
        directions = 2 if self.bidirectional else 1
        shapes = []
        for layer in range(self.num_layers):
            layer_input = self.input_size if layer == 0 else real_hidden * directions
            for suffix in ("", "_reverse")[:directions]:
                shapes += [(f"weight_ih_l{layer}{suffix}", (gates, layer_input)),
                           (f"weight_hh_l{layer}{suffix}", (gates, real_hidden))]
                if self.bias:
                    shapes += [(f"bias_ih_l{layer}{suffix}", (gates,)),
                               (f"bias_hh_l{layer}{suffix}", (gates,))]
                if self.proj_size:
                    shapes.append((f"weight_hr_l{layer}{suffix}",
                                   (self.proj_size, self.hidden_size)))
        return shapes

    def _param(self, name):
        return self._parameters.get(name)

    def _initial(self, hx, batch, dtype, device, size, what="hidden"):
        shape = (self.num_layers * (2 if self.bidirectional else 1), batch, size)
        if hx is None:
            return ft.zeros(shape, dtype=dtype, device=device)
        if tuple(hx.shape) != shape:
            last = "hidden_size" if size == self.hidden_size else "proj_size"
            raise RuntimeError(f"{type(self).__name__}: expected {what} size {shape} "
                               f"(num_layers * num_directions, batch, {last}), got "
                               f"{tuple(hx.shape)}")
        return hx

    def forward(self, input: ArrayLike, hx: Any = None) -> tuple[Array, Any]:
        unbatched = input.ndim == 2
        if input.ndim not in (2, 3):
            raise ValueError(f"{type(self).__name__}: expected a 2-d (unbatched) or 3-d input, "
                             f"got shape {tuple(input.shape)}")
        if unbatched:
            input = ft.expand_dims(input, 1)
            hx = None if hx is None else ft.tree.map(lambda h: ft.expand_dims(h, 1), hx)
        elif self.batch_first:
            input = ft.swapaxes(input, 0, 1)
        batch = input.shape[1]
        if self._mode == "LSTM":
            h0, c0 = (None, None) if hx is None else hx
            h0 = self._initial(h0, batch, input.dtype, input.device,
                               self.proj_size or self.hidden_size, "hidden[0]")
            c0 = self._initial(c0, batch, input.dtype, input.device, self.hidden_size,
                               "hidden[1]")
        else:
            h0 = self._initial(hx, batch, input.dtype, input.device, self.hidden_size)
            c0 = None
        output, h_n, c_n = self._layers(input, h0, c0)
        if unbatched:
            output, h_n = output[:, 0], h_n[:, 0]
            c_n = None if c_n is None else c_n[:, 0]
        elif self.batch_first:
            output = ft.swapaxes(output, 0, 1)
        return output, ((h_n, c_n) if self._mode == "LSTM" else h_n)

    def _layers(self, layer_input, h0, c0):
        directions = 2 if self.bidirectional else 1
        finals_h, finals_c = [], []
        for layer in range(self.num_layers):
            outputs = []
            for direction, suffix in enumerate(("", "_reverse")[:directions]):
                index = layer * directions + direction
                xs = F.linear(layer_input, self._param(f"weight_ih_l{layer}{suffix}"),
                              self._param(f"bias_ih_l{layer}{suffix}"))
                state = (h0[index], c0[index]) if self._mode == "LSTM" else h0[index]
                out, state = _run_direction(self._mode, xs, state,
                                            self._param(f"weight_hh_l{layer}{suffix}"),
                                            self._param(f"bias_hh_l{layer}{suffix}"),
                                            direction == 1,
                                            self._param(f"weight_hr_l{layer}{suffix}"))
                outputs.append(out)
                finals_h.append(state[0] if self._mode == "LSTM" else state)
                if self._mode == "LSTM":
                    finals_c.append(state[1])
            layer_input = outputs[0] if directions == 1 else ft.concatenate(outputs, axis=-1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        c_n = ft.stack(finals_c) if finals_c else None
        return layer_input, ft.stack(finals_h), c_n

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            text += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout:
            text += f", dropout={self.dropout}"
        if self.bidirectional:
            text += ", bidirectional=True"
        return text


class RNN(_RNNBase):
    """Multi-layer Elman RNN over a sequence (``RNNCell``'s step at every time step, one
    ``ft.scan`` per layer and direction).

    Example:
        >>> out, h_n = ft.nn.RNN(3, 5, batch_first=True)(ft.randn(4, 7, 3))
        >>> out.shape, h_n.shape
        ((4, 7, 5), (1, 4, 5))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
                 dtype: DTypeLike = None, *, key: Key | None = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        object.__setattr__(self, "_mode", "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device, dtype, key=key)
        self.nonlinearity = nonlinearity


class LSTM(_RNNBase):
    """Multi-layer LSTM over a sequence (``LSTMCell``'s step at every time step, one
    ``ft.scan`` per layer and direction); with ``proj_size > 0``, torch's LSTMP.

    Example:
        >>> out, (h, c) = ft.nn.LSTM(3, 5, batch_first=True)(ft.randn(2, 7, 3))
        >>> out.shape, h.shape
        ((2, 7, 5), (1, 2, 5))
    """

    _mode = "LSTM"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device: Any = None, dtype: DTypeLike = None, *,
                 key: Key | None = None) -> None:
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device, dtype, proj_size=proj_size, key=key)


class GRU(_RNNBase):
    """Multi-layer GRU over a sequence (``GRUCell``'s step at every time step, one
    ``ft.scan`` per layer and direction).

    Example:
        >>> out, h_n = ft.nn.GRU(3, 5, num_layers=2)(ft.randn(7, 4, 3))
        >>> out.shape, h_n.shape
        ((7, 4, 5), (2, 4, 5))
    """

    _mode = "GRU"


rnn_method_docs(_CellBase, _RNNBase, [RNNCell, LSTMCell, GRUCell])
