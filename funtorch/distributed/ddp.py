"""Data-parallel training: ``DistributedDataParallel`` for PyTorch-style code,
``average_gradients`` / ``broadcast_parameters`` / ``broadcast_optimizer_state`` for
functional code.

NOTE (the DDP gradient protocol): at construction every parameter that requires grad gets
a post-accumulate-grad hook and a place in a bucket (same-dtype parameters, reversed
registration order, about ``bucket_cap_mb`` each; every rank makes the same plan). During
``backward()`` a bucket whose parameters all have their ``.grad`` is started as one
non-blocking allreduce, buckets strictly in plan order so that every rank issues the same
sequence. When the last bucket is started, all are waited for and each ``.grad`` is
replaced by the average over ranks. Outside ``no_sync()`` a forward that finds the previous
reduction unfinished (a parameter got no gradient) raises torch's error instead of letting
ranks drift apart.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from typing import Any

from funtorch import nn, tree
from funtorch.core import _TRACER_TYPES
from funtorch.distributed import _buckets
from funtorch.distributed._backend import current_group
from funtorch.typing import PyTree

__all__ = ["DistributedDataParallel", "average_gradients", "broadcast_parameters",
           "broadcast_optimizer_state"]

_MB = 1024 * 1024
_TOKENS = itertools.count()
# torch's options that change nothing here (buckets are always flattened copies; the
# reduction is checked at every forward)
_TORCH_OPTIONS = {"check_reduction", "gradient_as_bucket_view", "static_graph",
                  "delay_all_reduce_named_params", "param_to_hook_all_reduce",
                  "mixed_precision", "device_mesh", "init_sync", "skip_all_reduce_unused_params"}
_UNFINISHED = ("DistributedDataParallel: Expected to have finished reduction in the prior "
               "iteration before starting a new one. This error indicates that your module "
               "has parameters that were not used in producing loss ({names}). Make sure "
               "every parameter that requires grad takes part in the loss on every rank, or "
               "freeze the unused ones (requires_grad_(False)) before wrapping the module.")


def _is_array_leaf(leaf):
    return hasattr(leaf, "shape") and hasattr(leaf, "dtype")


def average_gradients(grads: PyTree, bucket_cap_mb: float = 25) -> PyTree:
    """The mean over ranks of a pytree of gradients, reduced in buckets of flattened
    same-dtype leaves (one allreduce each).

    Inside a transform (``jit``, ``grad``, ``vmap``) it is ``pmean`` over the process group's
    axis, a differentiable primitive. Every rank must pass a tree of the same structure,
    shapes and dtypes.

    Args:
        grads: a pytree of arrays (``ft.grad``'s result).
        bucket_cap_mb: the size of one bucket in MiB.

    Returns:
        A pytree of the same structure: the average of every rank's ``grads``. The same
        bits on every rank.

    Example:
        >>> import funtorch as ft, funtorch.distributed as dist
        >>> dist.average_gradients({"w": ft.array([1.0, 2.0])})
        {'w': array([1., 2.])}
    """
    group = current_group()
    leaves, treedef = tree.flatten(grads)
    if group.size == 1 or not leaves:
        return grads
    if any(type(leaf) in _TRACER_TYPES for leaf in leaves):
        from funtorch.distributed.collectives import pmean

        return pmean(grads, group.axis_name)
    hosts = [_buckets.to_host(leaf) for leaf in leaves]
    reduced = _buckets.reduce_bucketed(group, hosts, "mean", bucket_cap_mb * _MB)
    return tree.unflatten(treedef, [_buckets.like(v, leaf) for v, leaf in zip(reduced, leaves)])


def broadcast_parameters(params: PyTree, root: int = 0, bucket_cap_mb: float = 25) -> PyTree:
    """Rank ``root``'s values of a pytree of arrays (parameters, buffers, any state), on
    every rank, in buckets. Non-array leaves (Python numbers) are broadcast too; strings
    and ``None`` are kept as they are.

    Args:
        params: a pytree; every rank passes one of the same structure, shapes and dtypes.
        root: the rank whose values win.
        bucket_cap_mb: the size of one bucket in MiB.

    Returns:
        A pytree of the same structure and leaf types holding ``root``'s values.

    Example:
        >>> import funtorch as ft, funtorch.distributed as dist
        >>> dist.broadcast_parameters({"w": ft.array([1.0, 2.0]), "step": 3})
        {'w': array([1., 2.]), 'step': 3}
    """
    group = current_group()
    leaves, treedef = tree.flatten(params)
    if group.size == 1:
        return params
    slots = [i for i, leaf in enumerate(leaves)
             if _is_array_leaf(leaf) or isinstance(leaf, (bool, int, float, complex))]
    hosts = [_buckets.to_host(leaves[i]) for i in slots]
    values = _buckets.bcast_bucketed(group, hosts, root, bucket_cap_mb * _MB)
    out = list(leaves)
    for i, value in zip(slots, values):
        out[i] = _buckets.like(value, leaves[i])
    return tree.unflatten(treedef, out)


def broadcast_optimizer_state(state: PyTree, root: int = 0) -> PyTree:
    """Rank ``root``'s optimizer state on every rank.

    Args:
        state: a functional optimizer state (``ft.optim.adamw(...).init(params)``, a
            pytree), or a PyTorch-style optimizer (anything with ``state_dict`` and
            ``load_state_dict``), whose state is loaded in place.

    Returns:
        The broadcast pytree, or the optimizer itself.

    Example:
        >>> import funtorch as ft, funtorch.distributed as dist
        >>> opt = ft.optim.adamw(lr=1e-3)
        >>> state = dist.broadcast_optimizer_state(opt.init({"w": ft.zeros(2)}))
    """
    if hasattr(state, "state_dict") and hasattr(state, "load_state_dict"):
        state.load_state_dict(broadcast_parameters(state.state_dict(), root))
        return state
    return broadcast_parameters(state, root)


def _buffer_slots(module):
    """``(owner, name)`` of every buffer of ``module``, in ``named_buffers`` order."""
    return [(owner, name) for _, owner in module.named_modules()
            for name, buf in owner._buffers.items() if buf is not None]


class DistributedDataParallel(nn.Module):
    """Wrap ``module`` so that ``loss.backward()`` leaves the gradient averaged over all
    ranks in every ``.grad`` (PyTorch's ``torch.nn.parallel.DistributedDataParallel``).

    At construction rank 0's parameters and buffers are broadcast into ``module``. Calling
    the wrapper calls ``module`` (first broadcasting rank 0's buffers when
    ``broadcast_buffers``); its ``state_dict`` keys carry torch's ``module.`` prefix (save
    ``ddp.module.state_dict()`` for a checkpoint that loads into the bare module).

    Args:
        module: the ``ft.nn.Module`` to train (the same architecture on every rank).
        device_ids, output_device, dim: accepted for torch compatibility; ignored (as are
            ``gradient_as_bucket_view``, ``static_graph`` and torch's other tuning options).
        process_group: ``None`` (the default group, the only one supported).
        broadcast_buffers: broadcast rank 0's buffers (BatchNorm statistics) before every
            forward.
        bucket_cap_mb: bucket size in MiB (25, torch's default).

    Raises:
        RuntimeError: a forward after a backward that left some parameter without a
            gradient (torch's "Expected to have finished reduction" error).

    Example:
        >>> import funtorch as ft, funtorch.distributed as dist
        >>> model = dist.DistributedDataParallel(ft.nn.Linear(3, 1))
        >>> model(ft.ones((2, 3))).sum().backward()
        >>> sorted(model.state_dict())
        ['module.bias', 'module.weight']
    """

    def __init__(self, module: nn.Module, device_ids: Any = None, output_device: Any = None,
                 dim: int = 0, broadcast_buffers: bool = True, process_group: Any = None,
                 bucket_cap_mb: float = 25, find_unused_parameters: bool = False,
                 **torch_options: Any) -> None:
        super().__init__()
        unknown = set(torch_options) - _TORCH_OPTIONS
        if unknown:
            raise TypeError(f"DistributedDataParallel got unexpected keyword arguments "
                            f"{sorted(unknown)}")
        if process_group not in (None, current_group()):
            raise NotImplementedError("DistributedDataParallel: only the default process "
                                      "group is supported; pass process_group=None")
        if find_unused_parameters:
            raise NotImplementedError("DistributedDataParallel: find_unused_parameters=True "
                                      "is not supported; freeze unused parameters instead")
        self.module = module
        self.broadcast_buffers = broadcast_buffers
        self.bucket_cap_mb = bucket_cap_mb
        self.require_backward_grad_sync = True
        self._group = current_group()
        self._token = next(_TOKENS)  # (the same on every rank: wrappers are made in step)
        self._sync_module_states()
        params = [p for p in reversed(list(module.parameters())) if p.requires_grad]
        self._params = params
        self._buckets = _buckets.plan([(p.shape, p.dtype) for p in params],
                                      bucket_cap_mb * _MB)
        self._bucket_of = {id(params[i]): b for b, idx in enumerate(self._buckets) for i in idx}
        self._layout = [_buckets.bucket_of(range(len(idx)), [(params[i].shape, params[i].dtype)
                                                             for i in idx])
                        for idx in self._buckets]
        self._reset_reduction()
        if self._group.size > 1:
            for p in params:
                p.register_post_accumulate_grad_hook(self._on_grad_ready)

    def _sync_module_states(self):
        if self._group.size == 1:
            return
        params = list(self.module.parameters())
        values = broadcast_parameters([p.data for p in params], 0, self.bucket_cap_mb)
        for p, value in zip(params, values):
            p.data = value
        self._sync_buffers()

    def _sync_buffers(self):
        slots = _buffer_slots(self.module)
        values = broadcast_parameters([owner._buffers[name] for owner, name in slots], 0,
                                      self.bucket_cap_mb)
        for (owner, name), value in zip(slots, values):
            owner._buffers[name] = value

    def _reset_reduction(self):
        self._ready = [set() for _ in self._buckets]
        self._started = []

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The wrapped module's forward (after syncing buffers from rank 0).

        Args:
            *args: the wrapped module's inputs (e.g. ``(N, in_features)`` for a Linear).
            **kwargs: its keyword inputs.

        Returns:
            What ``module(*args, **kwargs)`` returns (the same shapes).

        Raises:
            RuntimeError: the previous backward left a parameter without a gradient, so
                its reduction never finished (torch's "Expected to have finished
                reduction" error, naming the parameters).

        Example:
            A single process (no ``mpiexec``) is a group of one: nothing to reduce.

            >>> import funtorch.distributed as dist
            >>> linear = ft.nn.Linear(2, 1)
            >>> model = dist.DistributedDataParallel(linear)
            >>> x = ft.ones((4, 2))
            >>> model(x).shape, bool(ft.all(model(x) == linear(x)))
            ((4, 1), True)
        """
        if any(self._ready):
            unused = [name for name, p in self.module.named_parameters()
                      if p.requires_grad and not any(id(p) in r for r in self._ready)]
            raise RuntimeError(_UNFINISHED.format(names=", ".join(unused) or "none"))
        if self.broadcast_buffers and self._group.size > 1:
            self._sync_buffers()
        return self.module(*args, **kwargs)

    def _on_grad_ready(self, param):
        if not self.require_backward_grad_sync:
            return
        self._ready[self._bucket_of[id(param)]].add(id(param))
        buckets = self._buckets
        while (len(self._started) < len(buckets)
               and len(self._ready[len(self._started)]) == len(buckets[len(self._started)])):
            self._started.append(self._start_bucket(len(self._started)))
        if len(self._started) == len(buckets):
            self._finish()

    def _start_bucket(self, b):
        hosts = [_buckets.to_host(self._params[i].grad) for i in self._buckets[b]]
        return hosts, _buckets.start_reduce(self._group, hosts, self._layout[b], "mean",
                                            ("ddp", self._token, b))

    def _finish(self):
        for b, (indices, (hosts, pending)) in enumerate(zip(self._buckets, self._started)):
            averaged = [None] * len(hosts)
            _buckets.unflatten(pending.wait(), hosts, self._layout[b], averaged)
            for i, value in zip(indices, averaged):
                param = self._params[i]
                param.grad = _buckets.like(value, param.grad)
        self._reset_reduction()

    @contextlib.contextmanager
    def no_sync(self) -> Iterator[None]:
        """Within this block ``backward()`` only accumulates local gradients; the first
        ``backward()`` after it averages the accumulated ones (gradient accumulation).

        Returns:
            A context manager: ``with model.no_sync(): ...``.

        Example:
            >>> import funtorch as ft, funtorch.distributed as dist
            >>> model = dist.DistributedDataParallel(ft.nn.Linear(3, 1))
            >>> with model.no_sync():
            ...     model(ft.ones((2, 3))).sum().backward()
        """
        previous = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous
