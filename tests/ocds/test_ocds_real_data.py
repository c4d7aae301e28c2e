"""Real publishers' OCDS (../shared/real-ocds, nine publishers, thirteen files): every file scans with exit 0
through the real CLI, and what is kept (bids, contracts, stages joined by merging) and what is listed as
dropped in ``ocds_problems.csv`` is what each publisher's data warrants (README there says what each shows).

The counts of releases per ocid, of bids, of bids without a price and of negative estimates were counted
from the files with a separate script (orjson, no bidwatch code) while writing these tests: e.g. Jalisco's
releases file has 10 releases of 3 ocids, Canada's 22 lines hold 11 ocids twice, Armenia has 36 bids of which
4 have no price. The contracts dropped follow from what the files lack (supplier, amount, signing date, buyer).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from bidwatch.cli import main
from tests.conftest import SHARED, needs_shared

REAL = SHARED / "real-ocds"
FILES = sorted(p.name for p in REAL.glob("*.jsonl")) if REAL.is_dir() else []

pytestmark = [needs_shared("real-ocds"), pytest.mark.shared, pytest.mark.slow]


class Scan:
    def __init__(self, out: Path, code: int, err: str):
        self.out = out
        self.code = code
        self.err = err
        self.summary = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else {}
        with (out / "ocds_problems.csv").open(encoding="utf-8-sig", newline="") as f:
            self.problems = list(csv.DictReader(f))

    def actions(self, path_prefix: str = "") -> Counter:
        return Counter(p["action"] for p in self.problems if p["path"].startswith(path_prefix))

    def alerts(self) -> pd.DataFrame:
        return pd.read_csv(self.out / "alerts.csv", encoding="utf-8-sig", dtype=str)


_SCANS: dict[tuple[str, str | None], Scan] = {}


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory):
    """Scan a real file once per module (and time zone) with the real CLI."""

    def run(name: str, timezone: str | None = None) -> Scan:
        key = (name, timezone)
        if key not in _SCANS:
            import contextlib
            import io

            out = tmp_path_factory.mktemp(name.replace(".", "_"))
            err = io.StringIO()
            args = ["scan", str(REAL / name), "--out", str(out), "--quiet"]
            if timezone:
                args += ["--timezone", timezone]
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                code = main(args)
            _SCANS[key] = Scan(out, code, err.getvalue())
        return _SCANS[key]

    return run


def test_thirteen_files():
    assert len(FILES) == 13


@pytest.mark.parametrize("name", FILES)
def test_every_file_scans_with_exit_0_and_lists_its_problems(scan, name: str):
    s = scan(name)
    assert s.code == 0, s.err[-2000:]
    read = s.summary["ocds_read"]
    assert read["lines"] > 0 and read["processes"] == s.summary["rows"]["projects"] > 0
    assert s.summary["ocds_problems"] == len(s.problems)
    assert all(p["file"] == name and p["line"] and p["action"] for p in s.problems)
    # every row dropped or value cleared names the ocid it came from
    assert all(p["ocid"] for p in s.problems if p["action"] in ("dropped", "cleared", "repaired"))
    assert f"read {read['lines']} line(s)" in s.err


def test_armenia_bids_kept_with_tenderers_bids_without_price_and_negative_estimates_listed(scan):
    s = scan("armenia__releases.jsonl")
    assert s.summary["ocds_read"] == {"lines": 1, "packages": 1, "releases": 100, "records": 0, "skipped": 0,
                                      "processes": 100, "merged": 0}
    # 36 bids in the file, 4 without a price: 32 kept, 4 listed dropped
    assert s.summary["rows"]["bids"] == 32
    no_price = [p for p in s.problems if p["action"] == "dropped" and "has no price" in p["message"]]
    assert len(no_price) == 4 and all(p["path"].startswith("/bids/details[") for p in no_price)
    negative = [p for p in s.problems if "negative estimate" in p["message"]]
    assert len(negative) == 4 and {p["action"] for p in negative} == {"cleared"}
    # the tenders whose bid lost its price no longer have their whole bid list: no counting indicator judges them
    from bidwatch.ocds.tables import read_ocds_tables

    tables, problems = read_ocds_tables(REAL / "armenia__releases.jsonl")
    tenders = tables["tenders"].set_index("tender_id")
    incomplete = {p.ocid for p in problems if p.what == "dropped" and "has no price" in p.message}
    with_bids = set(tables["bids"]["tender_id"])
    assert incomplete and all(tenders.loc[tenders["ocid"] == o, "bid_list"].eq("none").all() for o in incomplete)
    complete = tenders[tenders.index.isin(with_bids) & ~tenders["ocid"].isin(incomplete)]
    assert len(complete) and complete["bid_list"].eq("all").all()
    assert tenders[~tenders.index.isin(with_bids)]["bid_list"].eq("none").all()


def test_nsw_releases_without_bids_or_awards(scan):
    s = scan("australia-new-south-wales__releases.jsonl")
    assert s.summary["rows"]["tenders"] == 10 and s.summary["rows"]["bids"] == 0
    assert s.problems == []


@pytest.mark.parametrize("name", ["canada-buyandsell__records.jsonl", "canada-buyandsell__releases.jsonl"])
def test_canada_contracts_without_supplier_or_signing_date_are_dropped_and_listed(scan, name: str):
    s = scan(name)
    assert s.summary["rows"]["projects"] == 11 and s.summary["rows"]["contracts"] == 0
    dropped = [p for p in s.problems if p["action"] == "dropped"]
    assert len(dropped) == 11
    assert all(p["path"] == "/contracts[0]" and "no supplier, no dateSigned" in p["message"] for p in dropped)


def test_canada_per_stage_releases_of_one_ocid_are_merged(scan):
    s = scan("canada-buyandsell__releases.jsonl")
    # 22 lines, each ocid twice (an OCDS 1.0 and a 1.1 release): 11 processes, all merged
    assert s.summary["ocds_read"]["processes"] == 11 and s.summary["ocds_read"]["merged"] == 11
    assert not any("already read" in p["message"] for p in s.problems)


@pytest.mark.parametrize("name", ["mexico-grupo-aeroportuario__records.jsonl",
                                  "mexico-grupo-aeroportuario__releases.jsonl"])
def test_grupo_aeroportuario_buyer_and_supplier_referenced_by_identifier(scan, name: str):
    s = scan(name)
    contracts = s.summary["rows"]["contracts"]
    if name.endswith("records.jsonl"):
        assert contracts == 10 and s.problems == []
    else:
        # 312 releases of 292 ocids (10 ocids twice); 3 contracts without supplier or signing date dropped. One signed
        # 2017-02-27 in a release dated 2017-02-18 is kept: its documents were published on 02-27 (reported_until)
        assert s.summary["ocds_read"]["processes"] == 292 and s.summary["ocds_read"]["merged"] == 10
        dropped = [p for p in s.problems if p["action"] == "dropped"]
        assert len(dropped) == 3 and contracts == 289
        # three award dates years after the release that reports them (2021, 2029, 2105 in releases of 2017) are
        # typing errors: cleared and listed, not read as contracts signed up to 32,858 days before their award
        later = sorted(p["message"][:21] for p in s.problems if "later than the release" in p["message"])
        # (judged in Mexico City, the zone of the file's MXN: 2021-10-20T21:00:00.000Z is the 20th there, and
        # 2105-10-09T05:00:00.000Z the 8th at UTC-6)
        assert later == ["award date 2021-10-20", "award date 2029-08-20", "award date 2105-10-08"]
        assert "contract_before_award" not in set(s.alerts()["indicator"])


def test_inai_additional_identifiers_object_repaired_and_gaps_listed(scan):
    s = scan("mexico-inai__releases.jsonl")
    repaired = [p for p in s.problems if p["action"] == "repaired"]
    assert repaired and all(p["path"].endswith("/additionalIdentifiers") for p in repaired)
    dropped = [p for p in s.problems if p["action"] == "dropped"]
    assert len(dropped) == 3 and all("no supplier, no amount, no dateSigned" in p["message"] for p in dropped)
    assert s.summary["rows"]["contracts"] == 7


def test_jalisco_releases_per_stage_are_joined(scan):
    s = scan("mexico-jalisco__releases.jsonl")
    # 10 releases (planning, tender, award, contract, implementation) of 3 ocids
    assert s.summary["ocds_read"]["processes"] == 3 and s.summary["ocds_read"]["merged"] == 2
    # the contracts come from the contract-stage releases, their supplier from the award-stage ones
    assert s.summary["rows"]["contracts"] == 2
    assert s.summary["rows"]["bids"] == 0  # numberOfTenderers only


def test_jalisco_dates_in_the_publishers_zone(scan):
    """The issue's example: an award at 22:31 on 16 May in Mexico City (2017-05-17T03:31:32Z) and a
    date-only contract of 16 May (2017-05-16T12:00:00Z): not a contract before its award in the
    publisher's zone; it is one when everything is read in Asia/Shanghai."""
    tender = "ocds-xs1qbl-SFIN-03-0013-00-2017"
    shanghai = scan("mexico-jalisco__records.jsonl", "Asia/Shanghai")
    mexico = scan("mexico-jalisco__records.jsonl", "America/Mexico_City")
    assert mexico.code == 0 and mexico.summary["ocds_timezone"] == "America/Mexico_City"
    # by default the zone is that of the file's currency (MXN): the same as naming it
    inferred = scan("mexico-jalisco__records.jsonl")
    assert (inferred.summary["ocds_timezone"], inferred.summary["ocds_timezone_basis"]) == (
        "America/Mexico_City", "inferred from the currency MXN (1189 of 1189 amounts)")

    def flagged(s: Scan) -> set[str]:
        a = s.alerts()
        return set(a.loc[a["indicator"] == "contract_before_award", "tender_id"])

    assert tender in flagged(shanghai)
    assert tender not in flagged(mexico) and flagged(inferred) == flagged(mexico)
    # a real order of a week stays flagged in either zone (contract 16 Aug, award 22/23 Aug)
    assert "ocds-xs1qbl-SSEG-16-0253-00-2017" in flagged(mexico) & flagged(shanghai)


def test_paraguay_records_without_compiled_release(scan):
    s = scan("paraguay__records.jsonl")
    skipped = [p for p in s.problems if p["action"] == "skipped"]
    # two records carry only linked releases (URLs, not fetched) and no release of their ocid is in the file
    assert len(skipped) == 2 and all("linked releases are not fetched" in p["message"] for p in skipped)
    # four ocids have both a record and a release line: merged
    assert s.summary["ocds_read"]["merged"] == 4 and s.summary["ocds_read"]["processes"] == 10


def test_paraguay_releases_merged_contracts_without_buyer_dropped(scan):
    s = scan("paraguay__releases.jsonl")
    assert s.summary["ocds_read"]["processes"] == 12 and s.summary["ocds_read"]["merged"] == 11
    # the releases name a procuring entity but no buyer (and no party with the role buyer): the contract
    # table needs the buyer, so the contracts are dropped — listed, not guessed from the procuring entity
    dropped = [p for p in s.problems if p["action"] == "dropped"]
    assert dropped and all("no buyer" in p["message"] for p in dropped)
    assert s.summary["rows"]["contracts"] == 0 and s.summary["rows"]["tenders"] > 12  # lots


def test_taiwan_awards_object_read_as_array(scan):
    s = scan("taiwan__releases.jsonl")
    assert [p["path"] for p in s.problems] == ["/awards"] * 11
    assert {p["action"] for p in s.problems} == {"repaired"}


def test_uganda_planning_only(scan):
    s = scan("uganda__releases.jsonl")
    assert s.summary["rows"]["tenders"] == 10
    assert s.summary["rows"]["bids"] == 0 and s.summary["rows"]["contracts"] == 0
