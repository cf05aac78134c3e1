"""ft.load on damaged files (issue 19, item 12): only ValueError, and memory bounded by a
small multiple of the file, whatever the bytes are. Crafted attacks plus a random
mutation fuzzer (2,000 mutations in CI, 20,000 marked slow)."""

import io
import json
import struct
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

import funtorch as ft

_MEMORY_FACTOR, _MEMORY_SLACK = 4, 512 * 1024


def _valid_files(tmp_path):
    model = ft.nn.Sequential(ft.nn.Linear(3, 4), ft.nn.BatchNorm1d(4))
    values = {
        "state": {"epoch": 3, "model": model.state_dict(), "name": "run", "ok": True},
        "module": {"model": model, "opt": ft.optim.adam(1e-3).init(model)},
        "arrays": [ft.arange(50, dtype=ft.float64), np.ones((3, 2), dtype=np.int32), None],
    }
    out = {}
    for name, value in values.items():
        path = tmp_path / f"{name}.ft"
        ft.save(value, path)
        out[name] = path.read_bytes()
    return out


def _load_bounded(path, size):
    """Load ``path``; assert the only error is ValueError and the peak traced memory is
    within a small multiple of the file size."""
    tracemalloc.reset_peak()
    start = tracemalloc.get_traced_memory()[0]
    try:
        ft.load(path)
    except ValueError as exc:  # never a symptom of unbounded work caught on the way
        assert "MemoryError" not in str(exc) and "RecursionError" not in str(exc), exc
    peak = tracemalloc.get_traced_memory()[1] - start
    assert peak < _MEMORY_FACTOR * size + _MEMORY_SLACK, (peak, size)


def _mutate(data, rng):
    data = bytearray(data)
    kind = rng.integers(6)
    if kind == 0:  # flip a few bytes
        for pos in rng.integers(0, len(data), rng.integers(1, 8)):
            data[pos] ^= int(rng.integers(1, 256))
    elif kind == 1:  # truncate
        del data[int(rng.integers(0, len(data))):]
    elif kind == 2:  # insert random bytes
        pos = int(rng.integers(0, len(data)))
        data[pos:pos] = rng.integers(0, 256, int(rng.integers(1, 64)), dtype=np.uint8).tobytes()
    elif kind == 3:  # overwrite a run with digits or 0xff (sizes, shapes, offsets)
        pos, width = int(rng.integers(0, len(data))), int(rng.integers(1, 12))
        fill = b"9" if rng.integers(2) else b"\xff"
        data[pos:pos + width] = fill * width
    elif kind == 4:  # delete a run
        pos = int(rng.integers(0, len(data)))
        del data[pos:pos + int(rng.integers(1, 64))]
    else:  # duplicate a run
        pos = int(rng.integers(0, len(data)))
        data[pos:pos] = data[pos:pos + int(rng.integers(1, 128))]
    return bytes(data)


def _fuzz(tmp_path, count, seed):
    files = _valid_files(tmp_path)
    rng = np.random.default_rng(seed)
    target = tmp_path / "mutated.ft"
    names = sorted(files)
    tracemalloc.start()
    try:
        for _ in range(count):
            data = files[names[int(rng.integers(len(names)))]]
            for _ in range(int(rng.integers(1, 4))):
                data = _mutate(data, rng) if data else data
            target.write_bytes(data)
            _load_bounded(target, max(len(data), 1))
    finally:
        tracemalloc.stop()


def test_fuzz_random_mutations_raise_only_value_error(tmp_path):
    # bounded: a hang or a runaway parse shows in this process's CPU time (typically a few
    # seconds), which, unlike wall-clock time, does not grow when the machine is loaded
    start = time.process_time()
    _fuzz(tmp_path, 2000, seed=0)
    assert time.process_time() - start < 30


@pytest.mark.slow
def test_fuzz_many_random_mutations(tmp_path):
    _fuzz(tmp_path, 20000, seed=1)


# Crafted files ------------------------------------------------------------------------------


def _npy_bytes(array, header_shape=None):
    stream = io.BytesIO()
    np.lib.format.write_array(stream, array)
    data = stream.getvalue()
    if header_shape is not None:  # keep the header's length: pad the dict text
        old = repr(tuple(array.shape))
        new = repr(tuple(header_shape))
        head_end = data.index(b"\n") + 1
        header = data[:head_end].decode("latin1").replace(f"'shape': {old}",
                                                          f"'shape': {new}")
        header = header[:-1].rstrip(" ")
        header = header + " " * (head_end - 1 - len(header)) + "\n"
        assert len(header) == head_end
        data = header.encode("latin1") + data[head_end:]
    return data


def _archive(path, entries, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


def _manifest(root):
    text = json.dumps({"format": "funtorch.save", "version": 2, "root": root})
    return _npy_bytes(np.frombuffer(text.encode(), dtype=np.uint8))


def _crafted(tmp_path):
    array_root = {"t": "array", "ref": "a0", "rg": False}
    huge = tmp_path / "huge_shape.ft"  # a tiny file declaring a 745 GiB array
    _archive(huge, {"__manifest__.npy": _manifest(array_root),
                    "a0.npy": _npy_bytes(np.zeros(4), header_shape=(100_000_000_000,))})
    compressed = tmp_path / "compressed.ft"  # a small file expanding to 40 MB
    _archive(compressed, {"__manifest__.npy": _manifest(array_root),
                          "a0.npy": _npy_bytes(np.zeros(5_000_000))}, zipfile.ZIP_DEFLATED)
    deep = tmp_path / "deep.ft"
    levels = 50_000  # past Python's recursion limit
    text = ('{"format": "funtorch.save", "version": 2, "root": '
            + '{"t": "list", "items": [' * levels + '{"t": "NoneType", "v": null}'
            + "]}" * levels + "}")
    _archive(deep, {"__manifest__.npy": _npy_bytes(np.frombuffer(text.encode(),
                                                                 dtype=np.uint8))})
    obj_dtype = tmp_path / "object.ft"
    npy = _npy_bytes(np.zeros(3)).replace(b"'<f8'", b"'|O8'")
    _archive(obj_dtype, {"__manifest__.npy": _manifest(array_root), "a0.npy": npy})
    missing = tmp_path / "missing_ref.ft"
    _archive(missing, {"__manifest__.npy": _manifest(array_root)})
    not_allowed = tmp_path / "foreign_class.ft"
    _archive(not_allowed, {"__manifest__.npy": _manifest(
        {"t": "global", "v": "os:system"})})
    sneaky = tmp_path / "sneaky.ft"  # a funtorch module attribute that is not funtorch's
    _archive(sneaky, {"__manifest__.npy": _manifest(
        {"t": "global", "v": "funtorch.serialization:os.system"})})
    wrong_kind = tmp_path / "wrong_kind.ft"
    _archive(wrong_kind, {"__manifest__.npy": _manifest(
        {"t": "module", "cls": "funtorch.nn.functional.activation:relu", "attrs": []})})
    bad_tag = tmp_path / "bad_tag.ft"
    _archive(bad_tag, {"__manifest__.npy": _manifest({"t": "_items", "items": []})})
    big_int = tmp_path / "big_int.ft"
    _archive(big_int, {"__manifest__.npy": _npy_bytes(np.frombuffer(
        b'{"format": "funtorch.save", "version": 2, "root": {"t": "int", "v": ' + b"9" * 5000
        + b"}}", dtype=np.uint8))})
    zip_bomb_header = tmp_path / "lying_zip.ft"  # central directory claims a huge entry
    good = tmp_path / "good.ft"
    ft.save({"w": ft.ones(10)}, good)
    data = bytearray(good.read_bytes())
    central = data.rindex(b"PK\x01\x02")
    data[central + 24:central + 28] = struct.pack("<I", 0xFFFFFFF0)  # uncompressed size
    zip_bomb_header.write_bytes(bytes(data))
    return [huge, compressed, deep, obj_dtype, missing, not_allowed, sneaky, wrong_kind,
            bad_tag, big_int, zip_bomb_header]


def test_crafted_files_raise_value_error_within_memory(tmp_path):
    tracemalloc.start()
    try:
        for path in _crafted(tmp_path):
            size = path.stat().st_size
            with pytest.raises(ValueError):
                ft.load(path)
            _load_bounded(path, size)
    finally:
        tracemalloc.stop()


def test_crafted_messages(tmp_path):
    paths = {p.stem: p for p in _crafted(tmp_path)}
    expected = {
        "huge_shape": "declares shape",
        "compressed": "is compressed",
        "deep": "nested more than",
        "object": "dtype",
        "missing_ref": "missing array",
        "foreign_class": r"os:system, which is not on the allow-list.*allowed=\[system\]",
        "sneaky": "not on the allow-list",
        "wrong_kind": "not the kind of class",
        "bad_tag": "unknown entry type",
    }
    for stem, pattern in expected.items():
        with pytest.raises(ValueError, match=pattern):
            ft.load(paths[stem])


def test_files_written_by_the_previous_format_still_load(tmp_path):
    root = {"t": "dict", "items": [[{"t": "str", "v": "w"}, {"t": "array", "ref": "a0"}]]}
    text = json.dumps({"format": "funtorch.save", "version": 1, "root": root})
    path = tmp_path / "v1.ft"
    with open(path, "wb") as stream:
        np.savez(stream, a0=np.arange(3.0), __manifest__=np.frombuffer(text.encode(), np.uint8))
    back = ft.load(path)
    np.testing.assert_array_equal(np.asarray(back["w"]), [0.0, 1.0, 2.0])
