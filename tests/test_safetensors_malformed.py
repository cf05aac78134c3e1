"""ft.load_safetensors on malformed files: each kind of damage raises a ValueError naming
the file and the problem, and 1,000 seeded mutations of a valid file's header never
crash (anything but ValueError), hang, or allocate more than the file's size."""

import json
import os
import time
import tracemalloc

import numpy as np
import pytest

import funtorch as ft

DTYPES_FILE = os.path.join(os.path.dirname(__file__), "fixtures", "safetensors",
                           "dtypes.safetensors")  # written by PyTorch, has bfloat16


def split(blob):
    """A safetensors file's header dict and data bytes (the test builds damaged files)."""
    length = int.from_bytes(blob[:8], "little")
    return json.loads(blob[8:8 + length]), blob[8 + length:]


def build(header, data, length=None):
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    return (len(text) if length is None else length).to_bytes(8, "little") + text + data


def valid():
    header = {"__metadata__": {"format": "pt"},
              "a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
              "b": {"dtype": "I64", "shape": [1], "data_offsets": [16, 24]}}
    return header, bytes(range(24))


def damaged_cases():
    header, data = valid()

    def edit(name, **changes):
        return build({**header, name: {**header[name], **changes}}, data)

    whole = build(header, data)
    return [
        ("empty file", b"", "truncated (0 bytes"),
        ("length cut", whole[:5], "truncated (5 bytes"),
        ("header past the end", build(header, data, length=10 ** 6), "header length 1000000 is"),
        ("data cut", whole[:-3], "past the end of the data section"),
        ("trailing bytes", whole + b"\0", "the tensors account for 24"),
        ("overlap", edit("b", data_offsets=[8, 16], shape=[1]), "overlapping data_offsets"),
        ("gap", edit("a", data_offsets=[0, 8], shape=[2]), "gap of unclaimed bytes"),
        ("out of range", edit("b", data_offsets=[16, 2 ** 70], shape=[2 ** 67 - 2]),
         "past the end"),
        ("size mismatch", edit("a", shape=[3, 2]), "needs 24 bytes"),
        ("huge shape", edit("a", shape=[2 ** 40, 2 ** 40]), "span 16"),
        ("negative shape", edit("a", shape=[-2, -2]), "non-negative ints"),
        ("reversed offsets", edit("a", data_offsets=[16, 0]), "0 <= begin <= end"),
        ("unknown dtype", edit("a", dtype="F33"), "unknown dtype 'F33'"),
        ("float8", edit("a", dtype="F8_E4M3"), "F8_E4M3, which funtorch has no array"),
        ("missing key", build({**header, "a": {"dtype": "F32", "shape": [4]}}, data),
         "must be an object with keys"),
        ("not JSON", build(b"{'a': 1}", data), "not JSON"),
        ("not an object", build(b"[1, 2]", data), "JSON list, expected an object"),
        ("not UTF-8", build(b'{"\xff": 1}', data), "not UTF-8"),
        ("deep nesting", build(b"[" * 100_000, data), "nested too deeply"),
        ("huge number", build(b'{"a": ' + b"9" * 5000 + b"}", b""), "not JSON"),
        ("duplicate key", build(b'{"a": 1, "a": 2}', b""), "names a key twice ('a')"),
        ("bad metadata", build({**header, "__metadata__": {"k": 1}}, data), "__metadata__"),
    ]


@pytest.mark.parametrize("blob, message", [(b, m) for _, b, m in damaged_cases()],
                         ids=[name for name, _, _ in damaged_cases()])
def test_damaged_file_names_file_and_problem(tmp_path, blob, message):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(blob)
    with pytest.raises(ValueError) as info:
        ft.load_safetensors(path)
    assert str(path) in str(info.value) and message in str(info.value), str(info.value)


def test_valid_hand_built_file_loads(tmp_path):
    header, data = valid()
    path = tmp_path / "ok.safetensors"
    path.write_bytes(build(header, data))
    loaded = ft.load_safetensors(path)
    np.testing.assert_array_equal(loaded["a"].numpy(),
                                  np.frombuffer(data[:16], "<f4").reshape(2, 2))


def _mutate(blob, rng):
    """One random damage to the header (or the length, or the file's end)."""
    header, data = split(blob)
    kind = rng.integers(8)
    names = [k for k in header if k != "__metadata__"]
    entry = header[names[rng.integers(len(names))]]
    odd = [-1, 0, 1, 2 ** 31, 2 ** 64, 2 ** 80, 3.5, "7", None, [], [1, 2, 3], True]
    if kind == 0:  # flip bytes anywhere in the length or the header text
        out = bytearray(blob)
        for _ in range(rng.integers(1, 4)):
            out[rng.integers(8 + int.from_bytes(blob[:8], "little"))] ^= 1 << rng.integers(8)
        return bytes(out)
    if kind == 1:  # a wrong header length
        return build(header, data, length=int(rng.choice([0, 1, 7, len(blob), 2 ** 63,
                                                          rng.integers(len(blob))])))
    if kind == 2:  # truncate
        return blob[:rng.integers(len(blob))]
    if kind == 3:
        entry["data_offsets"] = [odd[rng.integers(len(odd))] if rng.random() < 0.5 else
                                 int(rng.integers(-4, len(data) + 8)) for _ in range(2)]
    elif kind == 4:
        entry["shape"] = [odd[rng.integers(len(odd))] for _ in range(rng.integers(4))]
    elif kind == 5:
        entry["dtype"] = str(rng.choice(["F32", "BF16", "U16", "F8_E5M2", "C64", "X", "", "f32"]))
    elif kind == 6:
        del entry[str(rng.choice(sorted(entry)))]
    else:  # swap two tensors' offsets (overlap or size mismatch, or a valid permutation)
        other = header[names[rng.integers(len(names))]]
        entry["data_offsets"], other["data_offsets"] = other["data_offsets"], entry["data_offsets"]
    return build(header, data)


def test_thousand_mutated_headers(tmp_path):
    original = open(DTYPES_FILE, "rb").read()
    rng = np.random.default_rng(1234)
    path = tmp_path / "mutant.safetensors"
    outcomes = {"loaded": 0, "ValueError": 0}
    ft.load_safetensors(DTYPES_FILE)  # warm the imports before measuring memory
    for trial in range(1000):
        blob = _mutate(original, rng)
        path.write_bytes(blob)
        tracemalloc.start()
        start = time.perf_counter()
        try:
            ft.load_safetensors(path)
            outcomes["loaded"] += 1
        except ValueError:
            outcomes["ValueError"] += 1
        finally:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert time.perf_counter() - start < 2.0, f"trial {trial} took too long"
        # the parsed header's dicts are the only overhead beyond the file's bytes
        assert peak <= len(blob) + 64 * 1024, f"trial {trial}: {peak} bytes for {len(blob)}"
    assert outcomes["ValueError"] > 500, outcomes
