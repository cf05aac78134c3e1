"""``ft.save`` / ``ft.load``: whole training states (pytrees of arrays, Python values,
Modules, NamedTuples, dataclasses, registered nodes) in one file, without pickle.

The file is a zip of *stored* entries, as NumPy's ``.npz``: one ``.npy`` entry per array
plus ``__manifest__``, a JSON document describing the structure. Classes and functions
are named by import path (``module:qualname``) and objects are rebuilt without calling
``__init__`` (``cls.__new__(cls)``, then their attributes), so loading never runs code
from the file; only classes and functions on the allow-list are used: funtorch's own by
default, others after :func:`allow` or ``load(path, allowed=[...])``.

NOTE: damaged files. ``load`` raises only ``ValueError`` (``FileNotFoundError`` for a
missing path) whatever the bytes are: compressed entries are refused (``save`` never
writes them), every declared size (zip entries, ``.npy`` shape * itemsize) is checked
against the file before anything is allocated, ``.npy`` headers are parsed by NumPy's
literal parser, the manifest's nesting depth is bounded before it is parsed, and the
CRC of every entry is checked. Memory stays within a small multiple of the file size.

NOTE: concurrent saves. ``save`` writes a temporary file unique to the call in the target's
folder, fsyncs it and renames it over the target (``os.replace``, atomic), so readers
and other writers see the old file or a complete new one, never a mixture.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from typing import Any

import numpy as np

from funtorch import _checkpoint_codec as codec

__all__ = ["save", "load", "allow"]

allow = codec.allow

_MANIFEST = "__manifest__"
_BAD_FILE = ("ft.load: {path} is not a valid funtorch file (corrupt, truncated, or written by "
             "something else than ft.save): {reason}")
_HEADER_LIMIT = 10000  # bytes of a .npy header (NumPy's own limit)
_ARRAY_KINDS = "biufc"


def _umask():
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # read once at import (os.umask is process-wide)


def save(obj: Any, path: Any) -> None:
    """Write ``obj`` to ``path``: nested dicts/lists/tuples/sets of arrays and Python
    values, Modules (whole, by their class), optimizer states (NamedTuples), dataclasses,
    nodes registered with ``ft.tree``, and funtorch functions.

    The write is atomic: a unique temporary file in the same folder is fsynced and renamed
    over ``path``, so concurrent saves to one path leave one complete file.

    Args:
        obj: the value to store.
        path: the file to write (str or path-like).

    Raises:
        TypeError: a value of an unsupported type, or a class that cannot be found again by
            its import path (defined inside a function); the message names where.

    Example:
        >>> import os, tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = os.path.join(folder, "ckpt.ft")
        ...     ft.save({"epoch": 3, "model": nn.Linear(2, 1), "key": ft.random.key(0)}, path)
        ...     sorted(ft.load(path))
        ['epoch', 'key', 'model']
    """
    arrays: dict = {}
    manifest = codec.encode_manifest(obj, arrays)
    arrays[_MANIFEST] = np.frombuffer(manifest.encode("utf-8"), dtype=np.uint8)
    path = os.fspath(path)
    folder, name = os.path.split(os.path.abspath(path))
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez(stream, **arrays)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    _sync_folder(folder)


def _sync_folder(folder):
    """Make the rename durable (POSIX); harmless where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def load(path: Any, allowed: Any = ()) -> Any:
    """Read what :func:`save` wrote; arrays come back as funtorch arrays on the CPU
    (NumPy arrays stay NumPy arrays), Modules as Modules of the same class.

    Args:
        path: the file to read.
        allowed: classes and functions outside funtorch the file may name (for this call;
            :func:`allow` adds them for every call).

    Returns:
        The object :func:`save` wrote, rebuilt with the same containers, Python values and
        classes, arrays as funtorch arrays on the CPU (NumPy arrays as NumPy arrays).

    Raises:
        FileNotFoundError: no file at ``path``.
        ValueError: a corrupt, truncated or foreign file (the message names the file), or
            a class that is not allowed (the message says how to allow it).

    Example:
        >>> import os, tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = os.path.join(folder, "ckpt.ft")
        ...     ft.save({"epoch": 3, "model": nn.Linear(2, 1), "key": ft.random.key(0)}, path)
        ...     state = ft.load(path)
        >>> state["epoch"], type(state["model"]).__name__
        (3, 'Linear')
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"ft.load: no such file: '{path}'")
    try:
        return _read(path, codec.allow_table(allowed))
    except codec.NotAllowed:
        raise
    except Exception as exc:  # any failure to parse the bytes means a damaged file
        reason = f"{type(exc).__name__}: {exc}" if not isinstance(exc, ValueError) else exc
        raise ValueError(_BAD_FILE.format(path=repr(path), reason=reason)) from None


def _read(path, allowed):
    size = os.path.getsize(path)
    if not zipfile.is_zipfile(path):
        raise ValueError("not a zip archive")
    with zipfile.ZipFile(path) as archive:
        entries = {}
        for info in archive.infolist():
            _check_entry(info, size)
            entries[info.filename] = info
        manifest_info = entries.get(_MANIFEST + ".npy")
        if manifest_info is None:
            raise ValueError("no __manifest__ entry")
        text = str(_read_npy(archive, manifest_info, "u").data, "utf-8")

        def array(ref):
            info = entries.get(f"{ref}.npy") if isinstance(ref, str) else None
            if info is None:
                raise ValueError(f"the manifest names a missing array {ref!r}")
            return _read_npy(archive, info, _ARRAY_KINDS)
        return codec.decode_manifest(text, array, allowed)


def _check_entry(info, file_size):
    if info.compress_type != zipfile.ZIP_STORED:
        raise ValueError(f"entry {info.filename!r} is compressed (ft.save stores entries)")
    if info.file_size != info.compress_size or (
            info.header_offset + info.compress_size > file_size):
        raise ValueError(f"entry {info.filename!r} declares {info.file_size} bytes, more than "
                         f"the file's {file_size}")


def _read_npy(archive, info, kinds):
    """One ``.npy`` entry, its declared size checked before allocating."""
    with archive.open(info) as stream:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            header = np.lib.format.read_array_header_1_0(stream, max_header_size=_HEADER_LIMIT)
        elif version in ((2, 0), (3, 0)):
            header = np.lib.format.read_array_header_2_0(stream, max_header_size=_HEADER_LIMIT)
        else:
            raise ValueError(f"unsupported .npy version {version}")
        shape, fortran, dtype = header
        if dtype.hasobject or dtype.names is not None or dtype.kind not in kinds:
            raise ValueError(f"entry {info.filename!r} has dtype {dtype}")
        if any(not isinstance(n, int) or n < 0 for n in shape):
            raise ValueError(f"entry {info.filename!r} has shape {shape}")
        count = 1
        for n in shape:
            count *= n
        declared = count * dtype.itemsize
        if stream.tell() + declared != info.file_size:
            raise ValueError(f"entry {info.filename!r} declares shape {shape} of {dtype} "
                             f"({declared} bytes) but holds {info.file_size - stream.tell()}")
        out = np.empty(shape, dtype=dtype, order="F" if fortran else "C")
        view = memoryview(out.reshape(-1, order="A").view(np.uint8))
        filled = 0
        while filled < declared:
            got = stream.readinto(view[filled:])
            if not got:
                raise ValueError(f"entry {info.filename!r} is truncated")
            filled += got
        stream.read(1)  # at the end: the zip CRC check runs
    return out
