"""PyTorch-style optimizers: ``Optimizer``, a thin stateful shell over the pure optimizers
(its subclasses: ``stateful_common.py``, ``stateful_extra.py``, ``lbfgs_torch.py``).

NOTE: how a wrapper runs its update rule. Each parameter (anything with a ``.grad`` and a
``.data`` setter, e.g. ``ft.nn.Parameter``) owns one pure state, created by the pure
optimizer's ``init`` on the parameter's value at its first step, as PyTorch creates its
per-parameter state lazily. ``step()`` builds (and caches) the pure optimizer from each
group's current hyperparameters, so editing ``param_groups[i]["lr"]`` takes effect on the
next step, calls its ``update`` on the parameter's gradient, and writes
``param.data = value + updates``. There is no second implementation of any rule.

``state_dict()`` uses PyTorch's layout: ``state`` maps a parameter's index (counted over
the groups, in order) to a dict of its state arrays, named by the pure state's fields
(which carry PyTorch's names: ``step``, ``exp_avg``, ``momentum_buffer``, ...);
``param_groups`` holds each group's hyperparameters and the list of its indices.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

import funtorch as ft
from funtorch.optim.base import apply_updates

__all__ = ["Optimizer"]

_GROUPS_MSG = "loaded state dict has a different number of parameter groups"
_SIZE_MSG = "loaded state dict contains a parameter group that doesn't match the size of " \
            "optimizer's group"
_MISSING_MSG = ("load_state_dict: the state of parameter {index} has no '{name}' (it has "
                "{keys}); it was saved by another optimizer or with other options")
_SHAPE_MSG = ("load_state_dict: state '{name}' of parameter {index} has shape {shape}, but the "
              "parameter needs {want}")


def _named_fields(state):
    """``(name, array)`` for every array field of a pure state, in order."""
    if isinstance(state, tuple) and hasattr(state, "_fields"):
        for name, value in zip(state._fields, state):
            if isinstance(value, tuple):
                yield from _named_fields(value)
            elif value is not None:
                yield name, value
    elif isinstance(state, tuple):
        for part in state:
            yield from _named_fields(part)


def _state_to_dict(state) -> dict:
    entry: dict = {}
    for name, value in _named_fields(state):
        entry.setdefault(name, value)  # duplicated names (two step counters) agree
    return entry


def _fill(template, entry, convert):
    """``template`` with each array field replaced by ``convert(name, template_value)``."""
    if isinstance(template, tuple) and hasattr(template, "_fields"):
        return type(template)(*[
            _fill(value, entry, convert) if isinstance(value, tuple)
            else None if value is None else convert(name, value)
            for name, value in zip(template._fields, template)])
    if isinstance(template, tuple):
        return tuple(_fill(part, entry, convert) for part in template)
    return template


def _is_parameter(obj) -> bool:
    return hasattr(obj, "grad") and hasattr(type(obj), "data")


def _freeze(value):
    return tuple(value) if isinstance(value, list) else value


_COMPLEX_PARAM = ("{name}.step: complex parameters are not supported (torch updates them as "
                  "view_as_real pairs); keep the real and imaginary parts as two real "
                  "parameters and build the complex value with ft.complex(re, im)")


class Optimizer:
    """Base class of the stateful optimizers (PyTorch's ``torch.optim.Optimizer``).

    Subclasses set ``_factory`` (a pure optimizer such as ``ft.optim.adam``) and
    ``_hyper`` (the group keys passed to it).

    Args:
        params: an iterable of parameters, or of dicts with a ``"params"`` entry and
            per-group hyperparameters.
        defaults: the hyperparameters of groups that do not set them.

    Raises:
        TypeError: ``params`` is a single array or a set, or holds something else than
            parameters.
        ValueError: empty parameter list, a parameter in two groups, or an invalid
            hyperparameter (PyTorch's message, e.g. "Invalid learning rate: -0.1").

    Example:
        A stateful plain gradient descent on :func:`ft.optim.sgd`: one step moves
        :math:`\\theta` to :math:`\\theta - 0.5 g`:

        >>> class Descent(ft.optim.Optimizer):
        ...     _factory = staticmethod(ft.optim.sgd)
        ...     _hyper = ("lr",)
        ...     def __init__(self, params, lr=0.1):
        ...         super().__init__(params, {"lr": lr})
        >>> w = nn.Parameter(ft.array([1.0, 2.0]))
        >>> opt = Descent([w], lr=0.5)
        >>> w.grad = ft.array([1.0, -2.0])
        >>> opt.step()
        >>> w.tolist()
        [0.5, 3.0]
    """

    _factory: Callable[..., Any] | None = None
    _hyper: tuple = ()

    def __init__(self, params: Any, defaults: dict) -> None:
        self.defaults = dict(defaults)
        self.param_groups: list = []
        self._states: dict = {}  # id(param) -> (hyperparameter key, pure state)
        self._cache: dict = {}
        if isinstance(params, ft.Array):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {type(params).__name__}")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters with its own hyperparameters (defaults fill the rest).

        Args:
            param_group: a dict with ``"params"`` (a parameter or an ordered iterable of
                them) and any hyperparameters (``"lr"``, ...) for this group.

        Raises:
            TypeError: ``param_group`` is not a dict, its parameters are a set, or one is
                not a parameter.
            ValueError: a parameter already in another group, or an invalid hyperparameter.

        Example:
            >>> opt = ft.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1)
            >>> opt.add_param_group({"params": nn.Linear(2, 1).parameters(), "lr": 1e-2})
            >>> [group["lr"] for group in opt.param_groups]
            [0.1, 0.01]
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, ft.Array) or _is_parameter(params):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        params = list(params)
        for param in params:
            if not _is_parameter(param):
                raise TypeError("optimizer can only optimize parameters (objects with .grad and "
                                f"a .data setter, e.g. ft.nn.Parameter), but one of the params "
                                f"is {type(param).__name__}")
        if len({id(p) for p in params}) != len(params):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; "
                          "each is kept once, so it is stepped once", UserWarning, stacklevel=3)
            params = list({id(p): p for p in params}.values())
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        if seen & {id(p) for p in params}:
            raise ValueError("some parameters appear in more than one parameter group")
        group = {"params": params, **{k: v for k, v in param_group.items() if k != "params"}}
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        self._transform(group)  # validates the group's hyperparameters
        self.param_groups.append(group)

    def _transform(self, group):
        key = tuple(_freeze(group[name]) for name in self._hyper)
        transform = self._cache.get(key)
        if transform is None:
            if len(self._cache) > 64:
                self._cache.clear()
            kwargs = {name: group[name] for name in self._hyper}
            transform = self._cache[key] = type(self)._factory(**kwargs)
        return key, transform

    def _init_state(self, param, key, transform):
        state = transform.init(param.data)
        self._states[id(param)] = (key, state)
        return state

    def _state_for(self, param, key, transform):
        saved = self._states.get(id(param))
        if saved is None:
            return self._init_state(param, key, transform)
        saved_key, state = saved
        if saved_key != key:  # hyperparameters changed: keep the fields both layouts share
            template = transform.init(param.data)
            if ft.tree.structure(template) != ft.tree.structure(state):
                entry = _state_to_dict(state)
                state = _fill(template, entry, lambda name, value: entry.get(name, value))
        return state

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients: to ``None`` (default), or to zeros.

        Args:
            set_to_none: set each ``grad`` to ``None`` (True) or fill it with zeros.

        Example:
            >>> w = nn.Parameter(ft.ones(2))
            >>> opt = ft.optim.SGD([w], lr=0.1)
            >>> w.grad = ft.array([1.0, 2.0])
            >>> opt.zero_grad(set_to_none=False); w.grad.tolist()
            [0.0, 0.0]
            >>> opt.zero_grad(); w.grad is None
            True
        """
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is not None:
                    param.grad = None if set_to_none else ft.zeros_like(param.grad)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient (the others are skipped).

        Args:
            closure: optional callable that re-evaluates the loss (and calls backward).

        Returns:
            The closure's loss, or ``None``.

        Raises:
            TypeError: a complex parameter (the update rules assume real gradients).

        Example:
            >>> w = nn.Parameter(ft.array([1.0, 2.0]))
            >>> opt = ft.optim.SGD([w], lr=0.5)
            >>> def closure():
            ...     opt.zero_grad()
            ...     loss = (w * w).sum()
            ...     loss.backward()  # grad 2 w
            ...     return loss
            >>> float(opt.step(closure)), w.tolist()  # w - 0.5 * 2 w
            (5.0, [0.0, 0.0])
        """
        loss = None
        if closure is not None:
            with ft.enable_grad():
                loss = closure()
        with ft.no_grad():
            for group in self.param_groups:
                key, transform = self._transform(group)
                for param in group["params"]:
                    if param.grad is None:
                        continue
                    value = param.data
                    if value.dtype.kind == "c":  # g * g would not be |g|^2: refuse
                        raise TypeError(_COMPLEX_PARAM.format(name=type(self).__name__))
                    state = self._state_for(param, key, transform)
                    updates, state = transform.update(param.grad, state, value)
                    param.data = apply_updates(value, updates)
                    self._states[id(param)] = (key, state)
        return loss

    @property
    def state(self) -> dict:
        """``{param: {name: array}}``: a read-only view of the per-parameter state."""
        return {param: _state_to_dict(self._states[id(param)][1])
                for group in self.param_groups for param in group["params"]
                if id(param) in self._states}

    def state_dict(self) -> dict:
        """The optimizer's state in PyTorch's layout (see the module docstring); it
        survives ``ft.save``/``ft.load``.

        Returns:
            ``{"state": {index: {name: array}}, "param_groups": [group, ...]}``: parameters
            are numbered in group order, each group lists its indices under ``"params"``.

        Example:
            >>> w = nn.Parameter(ft.ones(2))
            >>> opt = ft.optim.SGD([w], lr=0.1, momentum=0.9)
            >>> w.grad = ft.ones(2); opt.step()
            >>> state = opt.state_dict()
            >>> state["param_groups"][0]["params"], state["state"][0]["momentum_buffer"].tolist()
            ([0], [1.0, 1.0])
        """
        index_of: dict = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index_of.setdefault(id(p), len(index_of))
                                for p in group["params"]]
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for param in group["params"]:
                if id(param) in self._states:
                    entry = _state_to_dict(self._states[id(param)][1])
                    if entry:
                        state[index_of[id(param)]] = entry
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore a state saved by ``state_dict()`` (or PyTorch's, converted to arrays).

        Args:
            state_dict: a dict ``state_dict()`` returned, for the same groups and shapes.

        Raises:
            ValueError: the groups or their sizes differ, or a state entry is missing or
                has the wrong shape (the parameter index and the entry are named).

        Example:
            >>> w = nn.Parameter(ft.ones(2))
            >>> opt = ft.optim.SGD([w], lr=0.1)
            >>> saved = opt.state_dict()
            >>> opt.param_groups[0]["lr"] = 0.5
            >>> opt.load_state_dict(saved); opt.param_groups[0]["lr"]
            0.1
        """
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(_GROUPS_MSG)
        if any(len(g["params"]) != len(s["params"])
               for g, s in zip(self.param_groups, saved_groups)):
            raise ValueError(_SIZE_MSG)
        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            new_group = {"params": group["params"]}
            new_group.update({k: _freeze(v) for k, v in saved.items() if k != "params"})
            for name, default in self.defaults.items():
                new_group.setdefault(name, default)
            self._transform(new_group)
            new_groups.append(new_group)
        by_index = {int(index): (param, group) for group, saved in zip(new_groups, saved_groups)
                    for index, param in zip(saved["params"], group["params"])}
        states = {}
        for index, entry in state_dict["state"].items():
            param, group = by_index[int(index)]
            key, transform = self._transform(group)
            template = transform.init(param.data)
            states[id(param)] = (key, _fill(template, entry, _converter(int(index), entry)))
        self.param_groups = new_groups
        self._states = states

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for index, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {index}")
            lines.extend(f"    {key}: {group[key]}" for key in sorted(group) if key != "params")
        return "\n".join(lines) + "\n)"


def _converter(index, entry):
    def convert(name, template):
        if name not in entry:
            if name == "step":  # PyTorch's SGD keeps no count; a buffer means >= 1 step
                return ft.ones((), dtype=template.dtype, device=template.device)
            raise ValueError(_MISSING_MSG.format(index=index, name=name, keys=sorted(entry)))
        value = entry[name]
        value = value if isinstance(value, ft.Array) else np.asarray(value)
        if tuple(value.shape) != tuple(template.shape):
            raise ValueError(_SHAPE_MSG.format(name=name, index=index, shape=tuple(value.shape),
                                               want=tuple(template.shape)))
        return ft.asarray(value, dtype=template.dtype, device=template.device)
    return convert
