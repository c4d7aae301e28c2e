"""Loading and scanning a dataset in a child process with a memory limit (issue 18, item 4).

A bad file (a table of millions of rows of junk, a cell of hundreds of MB, a pathological scan) could
make the loader or the scan take all the memory of the machine, and with it the web site. The
memory-hungry part of an import, the contract check and the scan, therefore runs in a child process
started for it, with ``RLIMIT_AS`` set to ``settings.IMPORT_MEMORY_LIMIT_MB``: over the limit, the
allocation fails in the child only (MemoryError, DuckDB's out-of-memory error, or the child dies),
and the import fails with a message that says so. The site and the worker keep running.

The child gets no database access: it reads the upload, adds the sanctions registry's rows (read by
the parent) and scans, then hands back

* the loaded tables, as a database file in the task's scratch folder (``bidwatch.engine.handoff``; the
  parent opens it read-only: the writer and the import's diff read the tables through the engine);
* the scan result (pickled) and the registry's ids;
* or the contract's problems, when the dataset is refused.

``IMPORT_MEMORY_LIMIT_MB = 0`` runs all this in the worker's own process, as before (the test suite
does: its database lives in the test's transaction).
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

#: exit codes of the child
OK, REFUSED, OUT_OF_MEMORY = 0, 2, 3
#: what a child out of address space prints (Python, DuckDB, C++, the C library, OpenBLAS)
_MEMORY_WORDS = ("MemoryError", "Out of Memory", "bad_alloc", "Cannot allocate memory", "Memory allocation",
                 "failed to allocate", "failed to map segment")


class OutOfMemory(RuntimeError):
    """The child process went over the memory limit."""


class ChildFailed(RuntimeError):
    """The child process failed otherwise; the message ends with its last output."""


def _limit_memory(limit_bytes: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


def load_and_scan(path: Path, registry_rows: list[dict[str, Any]], workdir: Path, limit_mb: int,
                  progress: Any, options: dict[str, Any] | None = None) -> tuple[Any, Any, list[str]]:
    """Run the check and the scan of ``path`` in a child limited to ``limit_mb`` MB of address space;
    ``options``: the loader's (``engine.load_dataset``).

    Returns the loaded tables, the scan result and the registry's sanction ids; raises the engine's
    ``DatasetInvalid`` with the child's problems, :class:`OutOfMemory` or :class:`ChildFailed`."""
    from bidwatch.engine.handoff import open_exported
    from bidwatch.web.datasets import engine

    job = workdir / "isolated"
    job.mkdir(parents=True, exist_ok=True)
    (job / "in.pickle").write_bytes(pickle.dumps({"path": str(path), "registry": registry_rows,
                                                  "options": options or {}}))
    limit = limit_mb * 1024 * 1024
    # OpenBLAS reserves buffers per thread: one thread keeps the address space for the data
    env = {**os.environ, "BIDWATCH_ISOLATED_CHILD": "1", "OPENBLAS_NUM_THREADS": "1"}
    child = subprocess.Popen(  # noqa: S603 - our own module, no shell
        [sys.executable, "-m", "bidwatch.web.datasets.isolated", str(job)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
        preexec_fn=(lambda: _limit_memory(limit)) if limit else None,  # noqa: PLW1509 - setrlimit only
    )
    tail: list[str] = []
    memory_words = False
    assert child.stdout is not None
    for raw in child.stdout:  # progress lines, then whatever the child printed on failure
        line = raw.decode("utf-8", "replace").rstrip()
        if line.startswith("@progress "):
            _tag, fraction, stage = line.split(" ", 2)
            progress(stage, float(fraction))
        else:
            tail = (tail + [line])[-20:]
            memory_words = memory_words or any(w in line for w in _MEMORY_WORDS)
    code = child.wait()
    if code == OK:
        out = pickle.loads((job / "out.pickle").read_bytes())  # noqa: S301 - written by our child
        loaded = open_exported(job / "tables.duckdb", set(out["tables"]), out["row_counts"], out.get("notices"))
        return loaded, out["result"], out["registry_ids"]
    if code == REFUSED:
        problems = pickle.loads((job / "out.pickle").read_bytes())  # noqa: S301 - written by our child
        raise engine.dataset_invalid_error()(problems)
    text = "\n".join(tail)
    if code == OUT_OF_MEMORY or code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT) or memory_words:
        raise OutOfMemory(limit_mb)
    raise ChildFailed(f"exit {code}: {text[-2000:]}")


def _child(job: Path) -> int:
    """The child's side: load, add the registry, scan; write the tables and the result."""
    import django

    django.setup()
    from bidwatch.engine.handoff import export_tables
    from bidwatch.web.credit.feed import add_registry
    from bidwatch.web.datasets import engine

    args = pickle.loads((job / "in.pickle").read_bytes())  # noqa: S301 - written by our parent
    invalid = engine.dataset_invalid_error()

    def progress(stage: str, fraction: float) -> None:
        print(f"@progress {float(fraction):.4f} {stage}", flush=True)

    try:
        try:
            ds = engine.load_dataset(args["path"], **args.get("options", {}))
            registry_ids = add_registry(ds, rows=args["registry"])
        except invalid as exc:
            (job / "out.pickle").write_bytes(pickle.dumps(list(getattr(exc, "problems", []))))
            return REFUSED
        result = engine.run_scan(ds, progress)
        tables = export_tables(ds, job / "tables.duckdb")
        (job / "out.pickle").write_bytes(pickle.dumps({
            "tables": tables, "row_counts": dict(getattr(ds, "row_counts", {}) or {}), "result": result,
            "registry_ids": registry_ids, "notices": list(getattr(ds, "notices", None) or []),
        }))
        return OK
    except MemoryError:
        print("MemoryError", flush=True)
        return OUT_OF_MEMORY
    except Exception as exc:  # DuckDB reports its own allocation failures as exceptions
        if "out of memory" in str(exc).lower() or type(exc).__name__ == "OutOfMemoryException":
            print(f"Out of Memory: {exc}", flush=True)
            return OUT_OF_MEMORY
        raise


if __name__ == "__main__":
    sys.exit(_child(Path(sys.argv[1])))
