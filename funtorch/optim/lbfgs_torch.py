"""``ft.optim.LBFGS``: PyTorch's closure-based L-BFGS, a stateful optimizer that runs the
pure solver of ``lbfgs.py`` (``ft.optim.lbfgs``) on its parameter group.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

import funtorch as ft
from funtorch.optim.lbfgs import LBFGSState, lbfgs
from funtorch.optim.stateful import _COMPLEX_PARAM, Optimizer

__all__ = ["LBFGS"]


class LBFGS(Optimizer):
    """``torch.optim.LBFGS``: ``step(closure)`` with a closure that clears the gradients,
    computes the loss, calls ``backward()`` and returns the loss. Runs :func:`lbfgs`.

    One parameter group only (as PyTorch). ``state_dict()`` holds PyTorch's keys under the
    first parameter's index (``func_evals, n_iter, d, t, old_dirs, old_stps, ro, H_diag,
    prev_flat_grad, prev_loss``). Each iteration moves along the quasi-Newton direction
    from the two-loop recursion over the last ``history_size`` pairs
    :math:`s_i = \\theta_{i+1} - \\theta_i`, :math:`y_i = g_{i+1} - g_i`:

    .. math::
        \\theta_{k+1} = \\theta_k + t_k d_k, \\quad d_k = -H_k g_k, \\quad
        t_0 = \\min(1, 1/\\lVert g_0 \\rVert_1) \\, lr, \\; t_k = lr
        \\text{ (or a strong-Wolfe line search)}

    Args:
        params: an iterable of parameters (one group).
        lr: the step size (a number).
        max_iter: iterations per ``step``.
        max_eval: loss evaluations per ``step`` (default ``max_iter * 5 // 4``).
        tolerance_grad: stop when :math:`\\max |g| \\le` ``tolerance_grad``.
        tolerance_change: stop when the step or the loss change falls below it.
        history_size: the curvature pairs kept.
        line_search_fn: ``None`` (fixed step ``lr``) or ``"strong_wolfe"``.

    Raises:
        ValueError: parameter groups, a negative ``lr`` or an unknown ``line_search_fn``.
        TypeError: a schedule as ``lr``.

    Example:
        One iteration on :math:`\\sum w^2` from :math:`w = (1, -2)`: :math:`d = -g =
        (-2, 4)`, :math:`t = 1/6`:

        >>> w = nn.Parameter(ft.array([1.0, -2.0]))
        >>> opt = ft.optim.LBFGS([w], lr=1, max_iter=1)
        >>> def loss_of_w():
        ...     opt.zero_grad()
        ...     loss = (w * w).sum()
        ...     loss.backward()
        ...     return loss
        >>> float(opt.step(loss_of_w))
        5.0
        >>> [round(v, 4) for v in w.tolist()]
        [0.6667, -1.3333]

        Until convergence, with a line search:

        >>> model, loss_fn = nn.Linear(3, 1), nn.MSELoss()
        >>> x, y = ft.ones((4, 3)), ft.zeros((4, 1))
        >>> opt = ft.optim.LBFGS(model.parameters(), lr=1, line_search_fn="strong_wolfe")
        >>> def closure():
        ...     opt.zero_grad()
        ...     loss = loss_fn(model(x), y)
        ...     loss.backward()
        ...     return loss
        >>> first_loss = opt.step(closure)
        >>> float(closure()) < 1e-8  # the minimum, 0, is reachable
        True
    """

    _factory = staticmethod(functools.partial(lbfgs, None))
    _hyper = ("lr", "max_iter", "max_eval", "tolerance_grad", "tolerance_change",
              "history_size", "line_search_fn")

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 1, max_iter: int = 20,
                 max_eval: int | None = None, tolerance_grad: float = 1e-7,
                 tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        max_eval = max_iter * 5 // 4 if max_eval is None else max_eval
        super().__init__(params, {"lr": lr, "max_iter": max_iter, "max_eval": max_eval,
                                  "tolerance_grad": tolerance_grad,
                                  "tolerance_change": tolerance_change,
                                  "history_size": history_size,
                                  "line_search_fn": line_search_fn})
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._lbfgs_state = LBFGSState()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Run one L-BFGS step (up to ``max_iter`` iterations).

        Args:
            closure: clears the gradients, computes the loss, calls ``backward()`` and
                returns the loss; required (the default ``None`` only keeps
                :meth:`Optimizer.step`'s signature).

        Returns:
            The closure's first loss (at the parameters before the step).

        Raises:
            TypeError: no closure, or a complex parameter.

        Example:
            Two iterations on :math:`(w - 3)^2` from :math:`w = 1` (gradient -4): the first
            moves by :math:`t \\cdot 4` with :math:`t = \\min(1, 1/4)`, to 2; the second
            divides the gradient there (-2) by the secant curvature
            :math:`(-2 - (-4)) / 1 = 2`, the exact one, and lands on 3:

            >>> w = nn.Parameter(ft.array([1.0]))
            >>> opt = ft.optim.LBFGS([w], max_iter=2, max_eval=3)
            >>> def closure():
            ...     opt.zero_grad()
            ...     loss = ((w - 3.0) ** 2).sum()
            ...     loss.backward()
            ...     return loss
            >>> float(opt.step(closure)), w.tolist()
            (4.0, [3.0])
        """
        if closure is None:
            raise TypeError("LBFGS.step needs a closure that re-evaluates the loss")
        group = self.param_groups[0]
        params = group["params"]
        if any(p.dtype.kind == "c" for p in params):  # its inner products are real ones
            raise TypeError(_COMPLEX_PARAM.format(name="LBFGS"))

        def value_and_grad(values):
            for param, value in zip(params, values):
                param.data = value
            with ft.enable_grad():
                loss = closure()
            return loss, [p.grad if p.grad is not None else ft.zeros_like(p.data)
                          for p in params]

        solver = lbfgs(value_and_grad, **{name: group[name] for name in self._hyper})
        with ft.no_grad():
            values, self._lbfgs_state, loss = solver.step([p.data for p in params],
                                                          self._lbfgs_state)
        for param, value in zip(params, values):
            param.data = value
        return loss

    @property
    def state(self) -> dict:
        """``{first parameter: PyTorch's LBFGS state dict}``."""
        return {self.param_groups[0]["params"][0]: self._lbfgs_state._asdict()}

    def state_dict(self) -> dict:
        """The state in PyTorch's layout: ``LBFGSState``'s fields (lists for the history)
        under the first parameter's index 0, empty before the first step.

        Returns:
            ``{"state": {0: {"func_evals": ..., "n_iter": ..., ...}}, "param_groups": [...]}``.

        Example:
            >>> w = nn.Parameter(ft.array([1.0]))
            >>> opt = ft.optim.LBFGS([w], max_iter=1)
            >>> opt.state_dict()["state"]
            {}
            >>> def closure():
            ...     opt.zero_grad(); loss = (w * w).sum(); loss.backward(); return loss
            >>> loss = opt.step(closure)
            >>> entry = opt.state_dict()["state"][0]
            >>> entry["n_iter"], entry["func_evals"], len(entry["old_dirs"])
            (1, 1, 0)
        """
        groups = super().state_dict()["param_groups"]
        entry = self._lbfgs_state._asdict()
        for key in ("old_dirs", "old_stps", "ro"):
            entry[key] = list(entry[key])
        return {"state": {0: entry} if self._lbfgs_state.n_iter else {}, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore ``state_dict()`` (or PyTorch's, arrays converted to numpy).

        Args:
            state_dict: a dict ``state_dict()`` returned (keys as in PyTorch's LBFGS).

        Example:
            >>> w = nn.Parameter(ft.array([1.0]))
            >>> opt = ft.optim.LBFGS([w], max_iter=1)
            >>> saved = {"state": {0: {"n_iter": 4, "func_evals": 9}},
            ...          "param_groups": opt.state_dict()["param_groups"]}
            >>> opt.load_state_dict(saved); opt.state_dict()["state"][0]["n_iter"]
            4
        """
        super().load_state_dict({"state": {}, "param_groups": state_dict["param_groups"]})
        entry = dict(state_dict["state"].get(0, state_dict["state"].get("0", {})))
        dtype = self.param_groups[0]["params"][0].data.dtype

        def arr(value):
            return None if value is None else ft.asarray(np.asarray(value), dtype=dtype)

        def num(value):
            return None if value is None else float(np.asarray(value))

        self._lbfgs_state = LBFGSState(
            int(entry.get("func_evals", 0)), int(entry.get("n_iter", 0)), arr(entry.get("d")),
            num(entry.get("t")), tuple(arr(v) for v in entry.get("old_dirs", ())),
            tuple(arr(v) for v in entry.get("old_stps", ())),
            tuple(num(v) for v in entry.get("ro", ())), num(entry.get("H_diag")),
            arr(entry.get("prev_flat_grad")), num(entry.get("prev_loss")))
