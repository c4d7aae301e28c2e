"""The contract's checks, written once (``contract/validate.py``), agree on DuckDB and on Spark.

A dataset in the canonical spelling with one planted fault per rule (required cells, numbers, dates,
timestamps, integers, booleans, enumerations, a rate in a money column, negative money, shares,
region codes, the USCC check character, a bid price missing, a sanction without a subject or an expert's
measure without the expert, duplicate and dangling keys) is rejected by both loaders with the same problems:
table, row, column, value and message. The web's reads (``engine/reads.py``, the bidder-link graph) give the
same rows on both engines.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from bidwatch.contract import DatasetInvalid, load_dataset, save_dataset
from bidwatch.contract.validate import (EXCEL_SERIAL, NEGATIVE, PRICE_REQUIRED, RATE_NOT_AMOUNT, REGION_CODE, REQUIRED,
                                        SANCTION_EXPERT, SANCTION_SUBJECT, SHARE_PCT, UNIX_TIME, USCC)
from bidwatch.engine import connect, reads
from bidwatch.engine.spark_load import load_on_spark
from bidwatch.synth import generate
from tests.conftest import SPARK_AVAILABLE

pytestmark = [
    pytest.mark.spark,
    pytest.mark.xdist_group("spark"),  # one Spark JVM at a time (see test_spark_load.py)
    pytest.mark.skipif(not SPARK_AVAILABLE, reason="PySpark or Java is not installed (make installs .[spark])"),
]


@pytest.fixture(scope="module")
def spark():  # noqa: ANN201
    from bidwatch.engine.spark import spark_session

    warnings.filterwarnings("ignore", message=".*pandas >= 3.0.0.*")
    return spark_session()


def _url(path: Path) -> str:
    return "file://" + str(path.resolve())


def _edit(folder: Path, table: str, cells: dict[tuple[int, str], str]) -> pd.DataFrame:
    """Set cells (by 0-based record, column) of a saved table; the file row is record + 2."""
    frame = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
    for (i, col), value in cells.items():
        frame.loc[i, col] = value
    frame.to_csv(folder / f"{table}.csv", index=False)
    return frame


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[tuple]]:
    tables, _ = generate(100, 11, texts=False)
    tables["bid_files"]["text_path"] = None  # the documents are not written here
    folder = save_dataset(tables, tmp_path_factory.mktemp("faulty") / "ds")
    bids = _edit(folder, "bids", {
        (0, "price"): "abc", (1, "price"): "5%", (2, "price"): "-5", (3, "price"): "",
        (4, "status"): "maybe", (5, "rank"): "2.5", (6, "submitted_at"): "2024-13-45 10:00",
        (7, "company_id"): "", (9, "tender_id"): "NO-SUCH-TENDER", (12, "submitted_at"): "1741309200",
    })
    bids = _edit(folder, "bids", {(8, "bid_id"): bids.loc[10, "bid_id"], (3, "status"): "valid"})
    companies = pd.read_csv(folder / "companies.csv", dtype=str, keep_default_na=False)
    uscc = companies.loc[0, "uscc"]
    bad_uscc = uscc[:17] + ("1" if uscc[17] != "1" else "2")
    _edit(folder, "companies", {(0, "uscc"): bad_uscc, (1, "region_code"): "12345", (2, "founded_on"): "2024-02-30",
                                (3, "founded_on"): "45418", (4, "founded_on"): "1741309200123"})
    _edit(folder, "people", {(0, "share_pct"): "150", (1, "share_pct"): "many"})
    _edit(folder, "projects", {(0, "state_funded"): "maybe"})
    _edit(folder, "sanctions", {(0, "company_id"): "", (0, "uscc"): "", (0, "person_id"): "",
                                (1, "measure"): "取消评标专家资格", (1, "person_id"): ""})
    planted = {
        ("bids", 2, "price", "abc"), ("bids", 3, "price", "5%", RATE_NOT_AMOUNT), ("bids", 4, "price", "-5", NEGATIVE),
        ("bids", 5, "price", "", PRICE_REQUIRED), ("bids", 6, "status", "maybe"), ("bids", 7, "rank", "2.5"),
        ("bids", 8, "submitted_at", "2024-13-45 10:00"), ("bids", 9, "company_id", "", REQUIRED),
        ("bids", 11, "tender_id", "NO-SUCH-TENDER"),
        ("bids", 12, "bid_id", bids.loc[10, "bid_id"]),  # the later of the two rows is the duplicate
        ("companies", 2, "uscc", bad_uscc, USCC), ("companies", 3, "region_code", "12345", REGION_CODE),
        ("companies", 4, "founded_on", "2024-02-30"),
        ("companies", 5, "founded_on", "45418", EXCEL_SERIAL.replace("{info}", "2024-05-06")),
        # a platform API's Unix time, in seconds and in milliseconds: told with its Beijing time
        ("bids", 14, "submitted_at", "1741309200", UNIX_TIME.replace("{info}", "2025-03-07 09:00")),
        ("companies", 6, "founded_on", "1741309200123", UNIX_TIME.replace("{info}", "2025-03-07 09:00")),
        ("people", 2, "share_pct", "150", SHARE_PCT), ("people", 3, "share_pct", "many"),
        ("projects", 2, "state_funded", "maybe"),
        ("sanctions", 2, "company_id/uscc/person_id", "", SANCTION_SUBJECT),
        ("sanctions", 3, "person_id", "expert_removed", SANCTION_EXPERT),  # an expert's measure names the expert
    }
    return folder, planted


def _problems(exc: pytest.ExceptionInfo[DatasetInvalid]) -> set[tuple]:
    return {(p.table, p.row, p.column, p.value, p.expected) for p in exc.value.problems}


def test_planted_faults_are_found_by_both_engines_alike(spark, faulty: tuple[Path, set[tuple]]) -> None:  # noqa: ANN001
    folder, planted = faulty
    with pytest.raises(DatasetInvalid) as local:
        load_dataset(folder)
    with pytest.raises(DatasetInvalid) as on_spark:
        load_on_spark(spark, _url(folder))
    ours, theirs = _problems(local), _problems(on_spark)
    assert theirs == ours
    for fault in planted:  # each planted fault, at its row and column (and with its rule's message)
        table, row, column, value, *expected = fault
        found = [p for p in ours if p[:4] == (table, row, column, value)]
        assert found, fault
        if expected:
            assert [p[4] for p in found] == expected, fault
    # the bid with a blank price but a valid status is told by the bid-price rule, not another
    assert sum(1 for p in ours if p[:3] == ("bids", 5, "price")) == 1


def test_the_webs_reads_agree_on_both_engines(spark, tmp_path: Path) -> None:  # noqa: ANN001
    tables, _ = generate(100, 12, texts=False)
    tables["bid_files"]["text_path"] = None
    ds = load_dataset(save_dataset(tables, tmp_path / "ok"))
    duck, on_spark = connect(ds), connect(ds, "spark", spark_dir=str(tmp_path / "stage"))
    assert on_spark.kind == "spark"
    links = sorted(reads.bidder_links(duck))
    assert links and sorted(reads.bidder_links(on_spark)) == links
    assert reads.company_bid_stats(on_spark) == reads.company_bid_stats(duck)
    assert reads.bids_per_tender(on_spark) == reads.bids_per_tender(duck)
    wanted = ["tender_id", "title", "ceiling_price", "no_such_column"]
    assert (sorted(reads.iter_table(on_spark, "tenders", wanted), key=lambda r: r["tender_id"])
            == sorted(reads.iter_table(duck, "tenders", wanted), key=lambda r: r["tender_id"]))
