"""ft.save from several threads to one path (issue 19, item 10): every result is one
complete checkpoint, no temporary file is left, a failed save keeps the old file."""

import threading

import numpy as np
import pytest

import funtorch as ft


def test_threads_saving_to_one_path_leave_a_complete_file(tmp_path):
    path = tmp_path / "ckpt.ft"
    ft.save({"writer": -1, "w": ft.zeros(20000)}, path)
    errors = []

    def writer(index):
        try:
            for round_ in range(8):
                value = float(index * 100 + round_)
                ft.save({"writer": index, "w": ft.full((20000,), value)}, path)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    back = ft.load(path)
    values = np.asarray(back["w"])
    assert np.all(values == values[0]) and int(values[0]) // 100 == back["writer"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.ft"]


def test_failed_save_keeps_the_old_file_and_removes_its_temporary(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.ft"
    ft.save({"w": ft.ones(3)}, path)

    def broken(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError, match="disk full"):
        ft.save({"w": ft.zeros(3)}, path)
    monkeypatch.undo()
    np.testing.assert_array_equal(np.asarray(ft.load(path)["w"]), np.ones(3))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.ft"]


def test_saved_file_has_the_usual_permissions(tmp_path):
    import os
    path = tmp_path / "ckpt.ft"
    ft.save({"w": ft.ones(1)}, path)
    mask = os.umask(0)
    os.umask(mask)
    assert (path.stat().st_mode & 0o777) == (0o666 & ~mask)
