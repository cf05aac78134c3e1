"""DataLoader workers never outlive their main process (issue 19, item 14): killed by
SIGKILL or SIGTERM while batches larger than the pipe buffer are in flight, its workers
exit within a few seconds; after a worker error or `del loader` (persistent workers) the
workers are shut down without waiting for the cyclic garbage collector."""

import gc
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import funtorch as ft

_SCRIPT = Path(__file__).with_name("killed_parent_script.py")
_ROOT = Path(__file__).resolve().parents[2]
_DEADLINE = 10.0  # seconds; the workers notice at once (a thread waits on the parent)


def _alive(pid):
    """Running (a zombie waiting to be reaped by init counts as gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return not any(line.startswith("State:") and "Z" in line for line in status)
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def _wait_gone(pids, deadline):
    end = time.monotonic() + deadline
    while time.monotonic() < end and any(_alive(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sig, mode", [(signal.SIGKILL, "plain"),
                                       (signal.SIGTERM, "persistent")])
def test_workers_exit_when_the_main_process_is_killed(sig, mode):
    env = dict(os.environ, PYTHONPATH=str(_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    main = subprocess.Popen([sys.executable, str(_SCRIPT), mode], stdout=subprocess.PIPE,
                            env=env, cwd=_ROOT, text=True)
    try:
        line = main.stdout.readline()
        pids = [int(p) for p in line.split()]
        assert len(pids) == 1, line
        time.sleep(1.0)  # let the workers fill the result pipe
        assert all(_alive(p) for p in pids)
        main.send_signal(sig)
        main.wait(30)
        assert _wait_gone(pids, _DEADLINE) == []
    finally:
        if main.poll() is None:
            main.kill()
            main.wait()


class _Failing(ft.data.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, index):
        if index == 2:
            raise ValueError("bad sample")
        return np.zeros(2)


def test_workers_stop_after_an_error_without_the_cyclic_gc():
    gc.disable()
    try:
        loader = ft.data.DataLoader(_Failing(), batch_size=1, num_workers=1)
        iterator = iter(loader)
        pids = iterator._source.worker_pids
        with pytest.raises(ValueError, match="bad sample"):
            for _ in iterator:
                pass
        del iterator
        assert _wait_gone(pids, _DEADLINE) == []
    finally:
        gc.enable()


def test_persistent_workers_stop_on_del_without_the_cyclic_gc():
    gc.disable()
    try:
        loader = ft.data.DataLoader(list(range(6)), batch_size=2, num_workers=1,
                                    persistent_workers=True)
        first = iter(loader)
        batches = [b.tolist() for b in first]
        assert batches == [[0, 1], [2, 3], [4, 5]]
        second = iter(loader)
        assert second is first  # the same iterator, the same workers
        pids = second._source.worker_pids
        assert all(_alive(p) for p in pids)
        assert [b.tolist() for b in second] == batches
        del loader, first, second
        assert _wait_gone(pids, _DEADLINE) == []
    finally:
        gc.enable()


def test_persistent_workers_survive_while_only_the_iterator_is_held():
    iterator = iter(ft.data.DataLoader(list(range(4)), batch_size=2, num_workers=1,
                                       persistent_workers=True))
    assert [b.tolist() for b in iterator] == [[0, 1], [2, 3]]
    np.testing.assert_array_equal(iterator._source.worker_pids, iterator._source.worker_pids)
