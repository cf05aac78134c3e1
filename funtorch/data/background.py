"""A daemon thread that keeps a bounded queue of items ahead of the consumer.

Used by ``Pipeline.prefetch``, ``Pipeline.to("cuda")`` and ``DataLoader(pin_memory=True)``.
The thread only references the ``produce`` callable, never its owner, so dropping the
owner runs the finalizer that stops the thread.
"""

from __future__ import annotations

import queue
import threading
import weakref

_PUT_POLL = 0.05  # seconds; how often a blocked producer checks for a stop request


def _offer(out, stop, item):
    while not stop.is_set():
        try:
            out.put(item, timeout=_PUT_POLL)
            return True
        except queue.Full:
            continue
    return False


def _produce_loop(produce, out, stop):
    while not stop.is_set():
        try:
            item = (True, produce())
        except StopIteration:
            _offer(out, stop, (False, None))
            return
        except BaseException as exc:  # handed to the consumer, who re-raises it
            item = (False, exc)
        if not _offer(out, stop, item):
            return


def _stop(stop, out, thread):
    stop.set()
    while True:  # unblock a producer waiting on a full queue
        try:
            out.get_nowait()
        except queue.Empty:
            break
    if thread is not threading.current_thread():
        thread.join(timeout=1.0)


class Background:
    """Call ``produce()`` in a thread, up to ``depth`` items ahead; ``next()`` returns them.

    ``produce`` returns an item or raises ``StopIteration`` at the end; other exceptions
    are re-raised by ``next()`` in the consumer's thread and production goes on.
    """

    def __init__(self, produce, depth, name="funtorch-data"):
        self._queue = queue.Queue(maxsize=max(1, int(depth)))
        self._done = False
        stop = threading.Event()
        thread = threading.Thread(target=_produce_loop, args=(produce, self._queue, stop),
                                  name=name, daemon=True)
        self._finalizer = weakref.finalize(self, _stop, stop, self._queue, thread)
        thread.start()

    def next(self):
        if self._done:
            raise StopIteration
        ok, value = self._queue.get()
        if ok:
            return value
        if value is None:
            self._done = True
            raise StopIteration
        raise value

    def close(self):
        """Stop the thread (it may finish the item it is producing, then exits)."""
        self._done = True
        self._finalizer()
