"""Apache Spark: the same indicator SQL, transpiled from the DuckDB dialect by SQLGlot.

The contract is loaded and validated once (DuckDB), exported to Parquet and registered as Spark temp
views under the contract's table names; a cluster reads the same Parquet from a shared path
(``--spark-dir``: a folder mounted at the same path on every node, e.g. NFS, or a Hadoop URL such
as ``hdfs://`` or ``s3a://``, written through Spark). See docs/spark.md. Local mode by default (``local[2]``, or
``$SPARK_MASTER``), a cluster by master URL (``--master``).
"""

from __future__ import annotations

import decimal
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bidwatch.engine.base import EngineError, register_backend, transpile
from bidwatch.i18n import chinese_first as _

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_CONF = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.session.timeZone": "Asia/Shanghai",
    # keep NULL members in to_json so that evidence is identical to DuckDB's
    "spark.sql.jsonGenerator.ignoreNullFields": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.ansi.enabled": "false",
    "spark.driver.memory": os.environ.get("BIDWATCH_SPARK_DRIVER_MEMORY", "2g"),
}


def conf_from_env(text: str | None = None) -> dict[str, str]:
    """Extra Spark settings from ``$BIDWATCH_SPARK_CONF``: ``key=value`` pairs separated by ``;``
    (e.g. ``spark.executor.memory=8g;spark.sql.shuffle.partitions=200``); they override the defaults."""
    text = os.environ.get("BIDWATCH_SPARK_CONF", "") if text is None else text
    conf = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise EngineError(f"BIDWATCH_SPARK_CONF: expected key=value, got {part.strip()!r}")
        conf[key.strip()] = value.strip()
    return conf


def spark_session(master: str | None = None, conf: dict[str, str] | None = None) -> Any:
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("bidwatch").master(master or os.environ.get("SPARK_MASTER", "local[2]"))
    for key, value in {**DEFAULT_CONF, **conf_from_env(), **(conf or {})}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _is_url(path: str) -> bool:
    """A Hadoop file-system URL (``hdfs://``, ``s3a://``, ...), not a local or mounted path."""
    scheme, sep, _ = path.partition("://")
    return bool(sep) and scheme.lower() != "file" and scheme.isidentifier()


class SparkEngine:
    kind = "spark"

    def __init__(self, spark: Any) -> None:
        self.spark = spark

    @classmethod
    def from_dataset(cls, dataset: Any, master: str | None = None, spark_dir: str | None = None,
                     **_: Any) -> SparkEngine:
        if getattr(dataset, "spark", None) is not None:  # read and validated on Spark (engine/spark_load.py)
            return cls(dataset.spark)
        spark = spark_session(master)
        if spark_dir and _is_url(spark_dir):
            # hdfs://, s3a://, abfss://, gs://...: DuckDB cannot write there, Spark can. The tables
            # go from the driver to Spark as Arrow, are written once as Parquet under the URL and
            # read back from it, so that executors on other machines read them from there.
            base = spark_dir.rstrip("/")
            for table in sorted(dataset.tables):
                arrow = dataset.con.cursor().execute(f'SELECT * FROM "{table}"').to_arrow_table()
                url = f"{base}/{table}.parquet"
                spark.createDataFrame(arrow).write.mode("overwrite").parquet(url)
                spark.read.parquet(url).createOrReplaceTempView(table)
            return cls(spark)
        root = Path(spark_dir) if spark_dir else Path(tempfile.mkdtemp(prefix="bidwatch-spark-"))
        root.mkdir(parents=True, exist_ok=True)
        for table in sorted(dataset.tables):
            path = root / f"{table}.parquet"
            dataset.con.execute(f"COPY \"{table}\" TO '{path}' (FORMAT parquet)").fetchall()
            spark.read.parquet(str(path)).createOrReplaceTempView(table)
        return cls(spark)

    def query(self, sql: str) -> pd.DataFrame:
        spark_sql = transpile(sql, "spark")
        try:
            frame = self.spark.sql(spark_sql).toPandas()
        except Exception as exc:  # py4j and analysis errors carry no common base class
            raise EngineError(f"{exc}\n--- SQL (Spark) ---\n{spark_sql}") from exc
        for col in frame.columns:
            if frame[col].dtype != object:
                continue
            sample = next((v for v in frame[col] if v is not None), None)
            if isinstance(sample, decimal.Decimal):  # Spark types literals like 0.5 as DECIMAL
                frame[col] = frame[col].astype(float)
            elif sample is not None and hasattr(sample, "tolist") and not isinstance(sample, str):
                frame[col] = [list(v) if v is not None else None for v in frame[col]]  # arrays → lists
        return frame

    def iter_rows(self, sql: str, batch: int = 50_000) -> Iterator[tuple[Any, ...]]:
        spark_sql = transpile(sql, "spark")
        try:
            frame = self.spark.sql(spark_sql)
        except Exception as exc:  # noqa: BLE001 - py4j and analysis errors carry no common base class
            raise EngineError(f"{exc}\n--- SQL (Spark) ---\n{spark_sql}") from exc
        for row in frame.toLocalIterator(prefetchPartitions=True):  # one partition at a time on the driver
            yield tuple(row)

    def register(self, name: str, frame: pd.DataFrame) -> None:
        self.spark.createDataFrame(frame).createOrReplaceTempView(name)

    def has_table(self, name: str) -> bool:
        return bool(self.spark.catalog.tableExists(name))

    def columns(self, name: str) -> list[str]:
        if not self.has_table(name):
            return []
        return [str(c).lower() for c in self.spark.table(name).columns]


def _connect(dataset: Any, **options: Any) -> SparkEngine:
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise EngineError(_("Spark engine needs pyspark")) from exc
    return SparkEngine.from_dataset(dataset, **options)


register_backend("spark", _connect)
