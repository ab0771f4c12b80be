"""Two ways a scoring run keeps every core busy with bounded memory: chunks read ahead on
a thread of their own, and work on a pool whose results come back in input order."""

from __future__ import annotations

import collections
import concurrent.futures
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Final, TypeVar

T = TypeVar("T")
R = TypeVar("R")
Seconds = defaultdict[str, float]


def in_order(work: Callable[[T], R], items: Iterator[T], workers: int) -> Iterator[R]:
    """``work`` over ``items`` on ``workers`` threads, results in the items' order, with at
    most one item per worker waiting beyond those being worked on (memory stays bounded)."""
    with concurrent.futures.ThreadPoolExecutor(workers, "churn-score") as pool:
        pending: collections.deque[concurrent.futures.Future[R]] = collections.deque()
        for item in items:
            pending.append(pool.submit(work, item))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_DONE: Final = object()


def prefetched(items: Iterator[T], seconds: Seconds, depth: int = 2) -> Iterator[T]:
    """``items`` produced on a second thread (Arrow parses without the GIL), so reading the
    next chunk overlaps scoring this one; at most ``depth`` chunks wait in memory. The time
    spent waiting for them is counted in ``seconds["read"]``."""
    waiting: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                waiting.put(item)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer, raised there
            waiting.put(error)
            return
        waiting.put(_DONE)

    worker = threading.Thread(target=produce, name="churn-score-reader", daemon=True)
    worker.start()
    try:
        while True:
            clock = time.perf_counter()
            item = waiting.get()
            seconds["read"] += time.perf_counter() - clock
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            try:
                waiting.get_nowait()
            except queue.Empty:
                worker.join(timeout=0.05)


def stage(seconds: Seconds, name: str, since: float) -> float:
    """Count the time since ``since`` as stage ``name``; the clock for the next stage."""
    now = time.perf_counter()
    seconds[name] += now - since
    return now
