"""Where a dataset lives: a local or mounted path (read by the contract loader) or a URL that only
Spark's Hadoop client reads (``hdfs://``, ``s3a://``, ``file://`` …, see docs/spark.md).

Kept apart and free of imports so that ``bidwatch check`` can tell the two without loading the
engine package (pandas, SQLGlot) or the Spark loader.
"""

from __future__ import annotations

import re

#: Paths the DuckDB loader cannot open: a URL scheme other than a Windows drive letter.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+://")


def is_remote(path: str) -> bool:
    """True for ``hdfs://…``, ``s3a://…``, ``file://…`` and the like."""
    return bool(_URL.match(str(path)))


__all__ = ["is_remote"]
