"""``default_collate`` (a list of samples -> one batch) and ``default_convert``."""

from __future__ import annotations

import collections.abc
import copy
import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

import funtorch as ft

__all__ = ["default_collate", "default_convert"]

COLLATE_TYPE_MSG = ("default_collate: batch must contain arrays, numpy arrays, numbers, "
                    "dicts or lists; found {}")
STACK_SHAPE_MSG = ("default_collate: stack expects each array to be equal size, but got {} at "
                   "entry 0 and {} at entry {}; pad the samples or pass a collate_fn")
NUMBER_MIX_MSG = ("default_collate: the batch starts with Python numbers but sample {} is "
                  "of type {}; a batch must hold the same kind of element throughout")
SEQUENCE_SIZE_MSG = ("default_collate: each element in list of batch should be of equal size, "
                     "got sizes {}")


def _is_namedtuple(obj):
    return isinstance(obj, tuple) and hasattr(obj, "_fields")


def _check_numpy_dtype(dtype):
    if dtype.kind in "OSUV":  # objects and strings have no array form
        raise TypeError(COLLATE_TYPE_MSG.format(dtype))


def _plain_host_array(x):
    """A CPU array outside any transform and autograd, whose values NumPy can read."""
    return type(x) is ft.Array and x.device.type == "cpu" and not x.requires_grad


def _check_shapes(batch):
    first = tuple(batch[0].shape)
    for i, elem in enumerate(batch):
        if tuple(elem.shape) != first:
            raise RuntimeError(STACK_SHAPE_MSG.format(first, tuple(elem.shape), i))


def _collate_mapping(elem, batch):
    collated = {key: default_collate([sample[key] for sample in batch]) for key in elem}
    try:
        clone = copy.copy(elem)
        clone.update(collated)  # keeps OrderedDict, defaultdict and dict subclasses
        return clone
    except (TypeError, AttributeError):
        return collated


def _collate_sequence(elem, batch):
    sizes = {len(sample) for sample in batch}
    if len(sizes) != 1:
        raise RuntimeError(SEQUENCE_SIZE_MSG.format(sorted(sizes)))
    columns = [default_collate(list(samples)) for samples in zip(*batch)]
    if _is_namedtuple(elem):
        return type(elem)(*columns)
    try:
        return type(elem)(columns)
    except TypeError:
        return columns


def _collate_dataclass(elem, batch):
    fields = [f.name for f in dataclasses.fields(elem) if f.init]
    return type(elem)(**{name: default_collate([getattr(s, name) for s in batch])
                         for name in fields})


def _number_dtype(batch):
    """The dtype of a batch of Python numbers, promoted over all samples (not the first
    sample's type): any float -> the default float dtype, else any int -> int64, else
    bool."""
    kinds = set()
    for index, value in enumerate(batch):
        if isinstance(value, (bool, np.bool_)):
            kinds.add("b")
        elif isinstance(value, (int, np.integer)):
            kinds.add("i")
        elif isinstance(value, (float, np.floating)):
            kinds.add("f")
        else:
            raise TypeError(NUMBER_MIX_MSG.format(index, type(value).__name__))
    if "f" in kinds:
        return ft.get_default_dtype()
    return ft.int64 if "i" in kinds else ft.bool_


def default_collate(batch: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch with a leading batch dimension.

    Containers keep their structure (tuples stay tuples, namedtuples, dicts and dict
    subclasses, lists, dataclasses) and are collated field by field, recursively. Leaves:

    - funtorch arrays -> ``ft.stack`` (same device); NumPy arrays and NumPy scalars -> an
      array of their dtype;
    - Python numbers -> promoted over the whole batch (not taken from the first sample):
      any float -> the default float dtype, else any int -> int64, else bool;
    - strings and bytes -> kept as a list.

    Args:
        batch: a non-empty sequence of samples of one structure (what a dataset's
            ``__getitem__`` returns), as ``DataLoader`` passes it.

    Returns:
        The batch: the samples' structure with each leaf stacked along a new first axis of
        size ``len(batch)`` (strings: a list).

    Raises:
        TypeError: an unsupported element (message names its type), object/string NumPy arrays.
        RuntimeError: arrays of different shapes, sequences of different lengths.

    Example:
        >>> x, y = ft.data.default_collate([(ft.zeros(2), 0), (ft.ones(2), 1)])
        >>> x.shape, y.tolist()
        ((2, 2), [0, 1])
    """
    elem = batch[0]
    if isinstance(elem, ft.Array):
        _check_shapes(batch)
        if all(_plain_host_array(x) for x in batch):  # one NumPy stack: ~8x faster
            return ft.array(np.stack([np.asarray(x) for x in batch]))
        return ft.stack(batch)
    if isinstance(elem, np.ndarray):
        _check_numpy_dtype(elem.dtype)
        _check_shapes(batch)
        return ft.array(np.stack(batch))
    if isinstance(elem, (np.number, np.bool_)):
        return ft.array(np.array(batch))
    if isinstance(elem, (bool, int, float)):
        return ft.array(batch, dtype=_number_dtype(batch))
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, collections.abc.Mapping):
        return _collate_mapping(elem, batch)
    if isinstance(elem, collections.abc.Sequence):
        return _collate_sequence(elem, batch)
    if dataclasses.is_dataclass(elem) and not isinstance(elem, type):
        return _collate_dataclass(elem, batch)
    raise TypeError(COLLATE_TYPE_MSG.format(type(elem).__name__))


def default_convert(data: Any) -> Any:
    """Turn NumPy arrays and scalars inside ``data`` into funtorch arrays, keeping the rest.

    The collate function of ``DataLoader(batch_size=None)`` (no batching).

    Args:
        data: one sample: a NumPy array or scalar, a funtorch array, or a container (dict,
            namedtuple, tuple, list) of them; other leaves are kept as they are.

    Returns:
        ``data`` with the same structure, NumPy arrays (except object and string ones) and
        NumPy scalars turned into funtorch arrays of their dtype.

    Example:
        >>> out = ft.data.default_convert({"x": np.zeros(2), "name": "a"})
        >>> type(out["x"]).__name__, out["x"].shape, out["name"]
        ('Array', (2,), 'a')
    """
    if isinstance(data, np.ndarray):
        return data if data.dtype.kind in "OSUV" else ft.array(data)
    if isinstance(data, (np.number, np.bool_)):
        return ft.array(data)
    if isinstance(data, (str, bytes, ft.Array)):
        return data
    if isinstance(data, collections.abc.Mapping):
        converted = {key: default_convert(value) for key, value in data.items()}
        try:
            clone = copy.copy(data)
            clone.update(converted)
            return clone
        except (TypeError, AttributeError):
            return converted
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, (tuple, list)):
        try:
            return type(data)(default_convert(d) for d in data)
        except TypeError:
            return [default_convert(d) for d in data]
    return data
