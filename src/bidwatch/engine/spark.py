"""Apache Spark: the same indicator SQL, transpiled from the DuckDB dialect by SQLGlot.

The contract is loaded and validated once (DuckDB), exported to Parquet and registered as Spark temp
views under the contract's table names; a cluster reads the same Parquet from a shared path
(``--spark-dir`` on HDFS/S3/NFS). Local mode by default (``local[*]``), a cluster by master URL.
"""

from __future__ import annotations

import decimal
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from bidwatch.engine.base import EngineError, transpile

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


def spark_session(master: str | None = None, conf: dict[str, str] | None = None) -> Any:
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("bidwatch").master(master or os.environ.get("SPARK_MASTER", "local[2]"))
    for key, value in {**DEFAULT_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


class SparkEngine:
    kind = "spark"

    def __init__(self, spark: Any) -> None:
        self.spark = spark

    @classmethod
    def from_dataset(cls, dataset: Any, master: str | None = None, spark_dir: str | None = None,
                     **_: Any) -> SparkEngine:
        spark = spark_session(master)
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

    def register(self, name: str, frame: pd.DataFrame) -> None:
        self.spark.createDataFrame(frame).createOrReplaceTempView(name)

    def has_table(self, name: str) -> bool:
        return bool(self.spark.catalog.tableExists(name))
