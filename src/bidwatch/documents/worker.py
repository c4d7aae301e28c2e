"""Parsing untrusted files in worker processes, each file with a time limit.

A PDF or DOCX built to attack the reader (endless object loops, decompression bombs inside a stream, a
crash in PDFium's C code) must cost at most one file's time limit and never the batch: each worker is
a separate process with an address-space limit; a worker that overruns its file's time limit is
killed, the file gets the error 超时 / timed out, and a fresh worker takes the next file. A worker that
dies (a crash in C code) gives its file the error 解析进程异常退出 / parser crashed.

Workers are started with ``spawn``: the web application calls this from a process with threads and
database connections, which ``fork`` would copy.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection, wait
from pathlib import Path

from bidwatch.documents.reading import DocumentRecord, read_document
from bidwatch.documents.safety import DEFAULT_LIMITS, Limits


def _worker_main(conn: Connection, limits: Limits, keep_images: bool) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    except (ImportError, ValueError, OSError):
        pass
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        index, path = job
        start = time.perf_counter()
        try:
            rec = read_document(Path(path), limits, keep_images=keep_images)
        except MemoryError:
            rec = DocumentRecord(name=Path(path).name, error="文件解析超出内存限制 / file needs more memory than allowed")
        rec.seconds = round(time.perf_counter() - start, 3)
        conn.send((index, rec))


class _Worker:
    def __init__(self, ctx: mp.context.BaseContext, limits: Limits, keep_images: bool) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, limits, keep_images), daemon=True)
        self.proc.start()
        child.close()
        self.job: tuple[int, str] | None = None
        self.deadline = 0.0

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


def parse_files(paths: Iterable[Path], limits: Limits = DEFAULT_LIMITS, *, workers: int | None = None,
                keep_images: bool = False, in_process: bool = False,
                progress: Callable[[int, int], None] | None = None) -> list[DocumentRecord]:
    """Read every file, in order; a file that fails, hangs or crashes its worker gets an ``error``.

    ``in_process`` reads in this process without time limits (tests of the reader; never for uploads).
    ``progress(done, total)`` is called as each file is finished (read, failed or timed out).
    """
    paths = [Path(p) for p in paths]
    tick = progress or (lambda done, total: None)
    if in_process:
        out = []
        for p in paths:
            out.append(read_document(p, limits, keep_images=keep_images))
            tick(len(out), len(paths))
        return out
    results: list[DocumentRecord | None] = [None] * len(paths)
    if not paths:
        return []
    done = 0
    n = max(1, min(workers or min(2, os.cpu_count() or 1), len(paths)))
    ctx = mp.get_context("spawn")
    # the worker's own start (imports) is not counted against a file
    startup = 60.0
    pool = [_Worker(ctx, limits, keep_images) for _ in range(n)]
    queue = list(enumerate(paths))[::-1]
    try:
        while queue or any(w.job for w in pool):
            for i, w in enumerate(pool):
                if w.job is None and queue:
                    if not w.proc.is_alive():
                        w.kill()
                        pool[i] = w = _Worker(ctx, limits, keep_images)
                    index, path = queue.pop()
                    w.job = (index, str(path))
                    w.deadline = time.monotonic() + limits.timeout_s + (startup if not getattr(w, "warm", False) else 0)
                    w.conn.send(w.job)
            busy = [w for w in pool if w.job]
            if not busy:
                continue
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=timeout)
            before = done
            for i, w in enumerate(pool):
                if not w.job:
                    continue
                index, path = w.job
                if w.conn in ready:
                    try:
                        got, rec = w.conn.recv()
                    except (EOFError, OSError):
                        got, rec = index, DocumentRecord(
                            name=Path(path).name, error="解析进程异常退出 / the parser process crashed")
                        w.kill()
                        pool[i] = _Worker(ctx, limits, keep_images)
                    results[got] = rec
                    done += 1
                    w.job = None
                    w.warm = True  # type: ignore[attr-defined]
                elif w.proc.sentinel in ready or not w.proc.is_alive():
                    results[index] = DocumentRecord(name=Path(path).name,
                                                    error="解析进程异常退出 / the parser process crashed")
                    done += 1
                    w.kill()
                    pool[i] = _Worker(ctx, limits, keep_images)
                elif time.monotonic() >= w.deadline:
                    results[index] = DocumentRecord(
                        name=Path(path).name,
                        error=f"解析超时（超过{limits.timeout_s:g}秒）/ parsing timed out after {limits.timeout_s:g} s")
                    done += 1
                    w.kill()
                    pool[i] = _Worker(ctx, limits, keep_images)
            if done != before:
                tick(done, len(paths))
    finally:
        for w in pool:
            if w.proc.is_alive():
                try:
                    w.conn.send(None)
                except (BrokenPipeError, OSError):
                    pass
            w.proc.join(2)
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(2)
    return [r if r is not None else DocumentRecord(name=paths[i].name, error="未解析 / not parsed")
            for i, r in enumerate(results)]
