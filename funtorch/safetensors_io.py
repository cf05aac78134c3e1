"""safetensors checkpoints (the Hugging Face weight format, no pickle) through the
``safetensors`` package.

``save_safetensors`` writes with ``safetensors.numpy.save_file``; ``load_safetensors``
reads with ``safetensors.safe_open`` (memory-mapped, one tensor at a time). Two things
are done here rather than by the library:

* **The header is validated first**, so that a malformed file (truncated, a header
  length past the end of the file, overlapping, gapped or out-of-range offsets, a size
  that disagrees with the shape, an unknown dtype, a header that is not a JSON object)
  raises a ``ValueError`` naming the file and the problem, and nothing is allocated from
  the header's numbers before they are checked against the file's size: a load never
  allocates more than the file holds (plus the parsed header).
* **bfloat16** tensors, which NumPy cannot represent (``safetensors.numpy`` refuses
  them), are read from their validated byte range and widened to float32 by a 16-bit
  shift, which is exact (bfloat16 is the top half of a float32). No ``ml_dtypes``: the
  only runtime dependency is the ``safetensors`` package itself.

The rules checked are the library's own (offsets contiguous from 0 to the end of the
file, header at most 100 MB, each tensor's byte size equal to its shape times its
element size), so every file this module accepts, the library and PyTorch accept too.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import tempfile

import numpy as np

__all__ = ["save_safetensors", "load_safetensors"]

# safetensors dtype name -> NumPy dtype (little-endian, as the format stores them)
_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4",
           "I16": "<i2", "I8": "i1", "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1",
           "BOOL": "?"}
_CODES = {np.dtype(v).newbyteorder("="): k for k, v in _DTYPES.items()}
_BF16 = "BF16"
# dtypes the format defines that funtorch has no array type for (8-bit and smaller floats,
# complex): named in the error instead of "unknown"
_UNSUPPORTED = ("F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64")
_MAX_HEADER = 100_000_000  # the library's limit on the JSON header's length
_ENTRY_KEYS = {"dtype", "shape", "data_offsets"}


def save_safetensors(tree_or_state_dict, path, metadata=None) -> None:
    """Write arrays to a safetensors file that PyTorch and Hugging Face read.

    Args:
        tree_or_state_dict: an ``ft.nn.Module`` (its ``state_dict()`` is written), a
            ``state_dict``-like mapping of names to arrays, or any pytree of arrays
            (nested containers become dotted names: ``{"fc": {"w": x}}`` -> ``"fc.w"``,
            list items by index). Leaves may be funtorch arrays, Parameters, NumPy arrays
            or Python numbers (written as 0-d tensors).
        path: the file to write; it is replaced atomically (written next to it, then
            renamed), so a reader never sees half a file.
        metadata: optional ``dict[str, str]`` stored in the header's ``__metadata__``.

    Raises:
        TypeError: a leaf that is not numeric, a dtype the format lacks (complex), or
            metadata that is not ``str -> str``.
        ValueError: two leaves flatten to the same name, or there are no names at all
            (a bare array; wrap it: ``{"weight": x}``).

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "linear.safetensors")
        >>> ft.save_safetensors(ft.nn.Linear(3, 2), path, metadata={"format": "pt"})
        >>> sorted(ft.load_safetensors(path))
        ['bias', 'weight']
    """
    _check_metadata(metadata)
    tensors = {name: _to_numpy(value, name) for name, value in _named_leaves(tree_or_state_dict)}
    from safetensors.numpy import save_file

    from funtorch.serialization import _FILE_MODE, _sync_folder

    folder, name = os.path.split(os.path.abspath(os.fspath(path)))
    handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    os.close(handle)
    try:
        save_file(tensors, temp, metadata=metadata)
        os.chmod(temp, _FILE_MODE)  # the library creates files 0600; ft.save's mode instead
        os.replace(temp, os.path.join(folder, name))
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise
    _sync_folder(folder)


def load_safetensors(path) -> dict:
    """Read every tensor of a safetensors file as funtorch arrays.

    ``model.load_state_dict(ft.load_safetensors(p))`` loads a file written by
    ``safetensors.torch.save_file(torch_model.state_dict(), p)`` for the same
    architecture. bfloat16 tensors load as float32 (exactly); every other dtype keeps its
    own. The header's ``__metadata__`` is not returned (read it with
    ``safetensors.safe_open(path, "np").metadata()``).

    Args:
        path: the file.

    Returns:
        ``dict[str, Array]`` in the order the tensors lie in the file.

    Raises:
        ValueError: the file is malformed (the message names the file and the problem)
            or holds a dtype funtorch has no array for (float8, complex).
        FileNotFoundError: there is no such file.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "w.safetensors")
        >>> ft.save_safetensors({"w": ft.ones((2, 3))}, path)
        >>> ft.load_safetensors(path)["w"].shape
        (2, 3)
    """
    from safetensors import SafetensorError, safe_open

    from funtorch.ops import asarray

    path = os.fspath(path)
    header_len, entries = _read_header(path)
    out = {}
    try:
        with open(path, "rb") as raw, safe_open(path, framework="np") as lib:
            for name, entry in entries:
                begin, end = entry["data_offsets"]
                if entry["dtype"] == _BF16:
                    raw.seek(8 + header_len + begin)
                    value = _widen_bfloat16(raw.read(end - begin), entry["shape"])
                else:
                    value = lib.get_tensor(name)
                out[name] = asarray(value)
    except SafetensorError as e:  # a rule of the library's that the checks above lack
        _fail(path, f"the safetensors library refuses it ({e})")
    return out


# --- saving --------------------------------------------------------------------------------


def _named_leaves(obj):
    """``(dotted name, leaf)`` pairs of a Module, mapping or pytree."""
    if callable(getattr(obj, "state_dict", None)) and not isinstance(obj, dict):
        obj = obj.state_dict()
    from funtorch import tree

    leaves, treedef = tree.flatten(obj)
    names = list(_paths(treedef, ()))
    if treedef.node_type is None:
        raise ValueError("save_safetensors: expected a Module, a mapping of names to arrays "
                         f"or a pytree of arrays, got a single {type(obj).__name__} with no "
                         "name to store it under (wrap it: {'weight': x})")
    pairs, seen = [], {}
    for name, leaf in zip(names, leaves):
        if name in seen:
            raise ValueError(f"save_safetensors: two leaves are both named {name!r} (a dotted "
                             "key collides with a nested one); rename one")
        seen[name] = True
        pairs.append((name, leaf))
    return pairs


def _child_keys(node):
    cls = node.node_type
    if issubclass(cls, dict):
        return node.aux
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        return cls._fields
    if dataclasses.is_dataclass(cls):
        return [f.name for f in dataclasses.fields(cls) if not f.metadata.get("static")]
    return range(len(node.children))


def _paths(node, prefix):
    # explicit stack, not a recursive closure (closures that call themselves are cycles)
    stack = [(node, prefix)]
    while stack:
        node, prefix = stack.pop()
        if node.node_type is None:
            yield ".".join(prefix)
            continue
        children = list(zip(_child_keys(node), node.children))
        stack.extend((child, prefix + (str(key),)) for key, child in reversed(children))


def _to_numpy(value, name):
    from funtorch.core import Array
    from funtorch.ops import asarray

    if isinstance(value, Array):
        value = value.detach().numpy()
    elif isinstance(value, (bool, int, float)):
        value = asarray(value).numpy()  # a Python float takes the default float dtype
    elif not isinstance(value, (np.ndarray, np.generic)):
        raise TypeError(f"save_safetensors: {name!r} is a {type(value).__name__}; expected an "
                        "array or a Python number")
    array = np.asarray(value)  # not ascontiguousarray, which makes 0-d arrays 1-d
    if not array.flags.c_contiguous:
        array = array.copy(order="C")
    if array.dtype.newbyteorder("=") not in _CODES:
        raise TypeError(f"save_safetensors: {name!r} has dtype {array.dtype}, which "
                        f"safetensors cannot store (expected one of {sorted(_DTYPES)})")
    return array.astype(array.dtype.newbyteorder("<"), copy=False)


def _check_metadata(metadata):
    if metadata is None:
        return
    if not isinstance(metadata, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise TypeError("save_safetensors: metadata must be a dict of str to str, got "
                        f"{metadata!r:.200}")


# --- loading -------------------------------------------------------------------------------


def _fail(path, problem):
    raise ValueError(f"load_safetensors: {path!r} is not a valid safetensors file: {problem}")


def _read_header(path):
    """``(header length, [(name, entry)] sorted by offset)``, every number checked against
    the file's size before anything is allocated from it."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size < 8:
            _fail(path, f"it is truncated ({size} bytes; the 8-byte header length is missing)")
        header_len = int.from_bytes(f.read(8), "little")
        if header_len > size - 8:
            _fail(path, f"the header length {header_len} is larger than the rest of the file "
                        f"({size - 8} bytes): truncated, or not a safetensors file")
        if header_len > _MAX_HEADER:
            _fail(path, f"the header is {header_len} bytes, over the format's limit of "
                        f"{_MAX_HEADER}")
        text = f.read(header_len)
    header = _parse_json(path, text)
    entries = [(name, _check_entry(path, name, entry)) for name, entry in header.items()
               if name != "__metadata__"]
    _check_metadata_entry(path, header.get("__metadata__"))
    entries.sort(key=lambda item: tuple(item[1]["data_offsets"]))
    _check_layout(path, entries, size - 8 - header_len)
    return header_len, entries


def _parse_json(path, text):
    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            _fail(path, f"the header names a key twice ({_first_duplicate(keys)!r})")
        return dict(pairs)

    try:
        header = json.loads(text.decode("utf-8"), object_pairs_hook=no_duplicates)
    except UnicodeDecodeError as e:
        _fail(path, f"the header is not UTF-8 text ({e.reason} at byte {e.start})")
    except RecursionError:
        _fail(path, "the header is JSON nested too deeply")
    except json.JSONDecodeError as e:
        _fail(path, f"the header is not JSON ({e.msg} at byte {e.pos})")
    except ValueError as e:  # an integer of more digits than Python converts
        _fail(path, f"the header is not JSON that Python reads ({e})")
    if not isinstance(header, dict):
        _fail(path, f"the header is a JSON {type(header).__name__}, expected an object")
    return header


def _first_duplicate(keys):
    seen = set()
    for key in keys:
        if key in seen:
            return key
        seen.add(key)
    return None


def _check_metadata_entry(path, metadata):
    if metadata is None:
        return
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        _fail(path, "__metadata__ must be an object of strings to strings")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _check_entry(path, name, entry):
    where = f"tensor {name!r}"
    if not isinstance(entry, dict) or set(entry) != _ENTRY_KEYS:
        got = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
        _fail(path, f"{where} must be an object with keys {sorted(_ENTRY_KEYS)}, got {got}")
    dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if dtype in _UNSUPPORTED:
        _fail(path, f"{where} has dtype {dtype}, which funtorch has no array type for")
    if dtype not in _DTYPES and dtype != _BF16:
        _fail(path, f"{where} has an unknown dtype {dtype!r:.60} (expected one of "
                    f"{sorted([*_DTYPES, _BF16])})")
    if not isinstance(shape, list) or not all(_is_int(d) and d >= 0 for d in shape):
        _fail(path, f"{where} has shape {shape!r:.60}, expected a list of non-negative ints")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(map(_is_int, offsets))
            and 0 <= offsets[0] <= offsets[1]):
        _fail(path, f"{where} has data_offsets {offsets!r:.60}, expected [begin, end] with "
                    "0 <= begin <= end")
    itemsize = 2 if dtype == _BF16 else np.dtype(_DTYPES[dtype]).itemsize
    nbytes = math.prod(shape) * itemsize  # Python ints: a huge shape cannot overflow
    if nbytes != offsets[1] - offsets[0]:
        _fail(path, f"{where} of dtype {dtype} and shape {shape!r:.60} needs {nbytes} bytes, "
                    f"but its data_offsets {offsets} span {offsets[1] - offsets[0]}")
    return entry


def _check_layout(path, entries, data_size):
    """Offsets must tile the data section exactly: no overlap, no gap, nothing past it."""
    cursor, previous = 0, None
    for name, entry in entries:
        begin, end = entry["data_offsets"]
        if end > data_size:
            _fail(path, f"tensor {name!r} has data_offsets [{begin}, {end}] past the end of the "
                        f"data section ({data_size} bytes): truncated file or bad offsets")
        if begin < cursor:
            _fail(path, f"tensors {previous!r} and {name!r} have overlapping data_offsets "
                        f"(one ends at {cursor}, the other begins at {begin})")
        if begin > cursor:
            _fail(path, f"the data section has a gap of unclaimed bytes [{cursor}, {begin}) "
                        f"before tensor {name!r}")
        cursor, previous = end, name
    if cursor != data_size:
        _fail(path, f"the data section is {data_size} bytes but the tensors account for "
                    f"{cursor}: truncated, appended to, or bad offsets")


def _widen_bfloat16(data, shape):
    """bfloat16 bytes -> float32, exactly: a bfloat16 is the high 16 bits of a float32."""
    halves = np.frombuffer(data, dtype="<u2").astype(np.uint32)
    return (halves << 16).view(np.float32).reshape(shape)
