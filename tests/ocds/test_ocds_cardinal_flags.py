"""One red flag, one module: each indicator module has its doc, and each flag fires on a planted
positive and stays silent on a near miss (the same data one step short of the threshold)."""

from __future__ import annotations

import importlib

import pytest

from bidwatch.ocds import cardinal
from bidwatch.ocds.cardinal import INDICATORS, compute
from bidwatch.ocds.settings import parse_settings_text

CODES = ("R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038", "R044", "R048", "R058")


def run(releases: list[dict], settings: str, **kwargs) -> dict:
    problems: list = []
    out = compute(list(enumerate(releases, 1)), parse_settings_text(settings), problems=problems, **kwargs)
    assert problems == []
    return out


def ocids(out: dict, code: str) -> set[str]:
    return {k for k, v in out.get("OCID", {}).items() if code in v}


def tenderers(out: dict, code: str) -> dict[str, float]:
    return {k: v[code] for k, v in out.get("Tenderer", {}).items() if code in v}


def bid(tenderer, amount=None, status="valid", currency="CNY", date=None) -> dict:
    b: dict = {"status": status, "tenderers": [{"id": t} for t in tenderer.split("+")]}
    if amount is not None:
        b["value"] = {"amount": amount, "currency": currency}
    if date is not None:
        b["date"] = date
    return b


def process(ocid, bids, winner=None, **extra) -> dict:
    r = {"ocid": ocid, "bids": {"details": bids}, **extra}
    r["awards"] = [{"status": "active", "suppliers": [{"id": winner}]}] if winner else []
    return r


# --- the modules -----------------------------------------------------------------------------------

def test_one_module_per_flag_with_its_doc():
    assert tuple(sorted(INDICATORS)) == CODES
    for code, cls in INDICATORS.items():
        module = importlib.import_module(cls.__module__)
        assert module.__name__ == f"bidwatch.ocds.cardinal.{code.lower()}"
        doc = module.__doc__ or ""
        assert doc.startswith(f"{code} — ")
        for part in ("Measures:", "Cardinal:", f"r{code[1:]}.rs", "Threshold:"):
            assert part in doc, (code, part)


def test_public_names_unchanged():
    for name in ("GROUPS", "compute", "dumps", "fma", "fdiv", "round4", "quartiles", "statrs_quantile",
                 "parse_rfc3339", "parse_instant", "split_pipe", "default_jobs", "MIN_PARALLEL_BYTES"):
        assert hasattr(cardinal, name), name


def test_tender_only_indicators_do_not_read_bids():
    # A malformed bids object is not even looked at when no enabled indicator reads bids.
    out = run([{"ocid": "a", "tender": {"numberOfTenderers": 1, "procurementMethod": "open"}, "bids": "x"}],
              "[R018]")
    assert ocids(out, "R018") == {"a"}


# --- a planted positive and a near miss per flag -----------------------------------------------------

def test_r003_short_submission_period():
    def r(ocid, end):
        period = {"startDate": "2024-01-01T00:00:00Z", "endDate": end}
        return {"ocid": ocid, "tender": {"tenderPeriod": period}}
    out = run([r("14 days 23:59", "2024-01-15T23:59:59Z"), r("15 days", "2024-01-16T00:00:00Z")], "[R003]")
    assert ocids(out, "R003") == {"14 days 23:59"}


def test_r018_single_bid():
    def r(ocid, n, method="open"):
        return {"ocid": ocid, "tender": {"numberOfTenderers": n, "procurementMethod": method}}
    out = run([r("one", 1), r("two", 2), r("one, direct", 1, "direct")], "[R018]")
    assert ocids(out, "R018") == {"one"}


def test_r024_price_close_to_winning_bid():
    rows = [process("close", [bid("W", 100), bid("L", 104)], "W"),
            process("not so close", [bid("V", 100), bid("M", 106)], "V")]
    out = run(rows, "[R024]\nthreshold = 0.05\n")
    assert ocids(out, "R024") == {"close"}
    assert out["OCID"]["close"]["R024"] == pytest.approx(0.04)
    assert tenderers(out, "R024") == {"W": 0.0, "L": 0.0}


def test_r058_heavily_discounted_bid():
    rows = [process("discounted", [bid("W", 100), bid("L", 160)], "W"),
            process("less discounted", [bid("V", 100), bid("M", 140)], "V")]
    out = run(rows, "[R058]\nthreshold = 0.5\n")
    assert ocids(out, "R058") == {"discounted"}
    assert tenderers(out, "R058") == {"W": 0.0}


def test_r025_excessive_unsuccessful_bids():
    # F and G bid in 4 processes each (the 75th percentile of bid counts is 4); F wins 1, G wins 2.
    winners = ["F", "G", "G", "X3"]
    rows = [process(str(i), [bid("F"), bid("G"), bid(f"X{i}")], w) for i, w in enumerate(winners)]
    out = run(rows, "[R025]\nthreshold = 0.3\n")
    assert tenderers(out, "R025") == {"F": 0.25}
    assert out["Meta"]["R025"]["upper_fence"] == 4.0


def test_r028_identical_bid_prices():
    rows = [process("same price", [bid("A", 500), bid("B", 500), bid("C", 700)]),
            process("same number, other currency", [bid("D", 500), bid("E", 500, currency="USD")])]
    out = run(rows, "[R028]")
    assert ocids(out, "R028") == {"same price"}
    assert tenderers(out, "R028") == {"A": 1.0, "B": 1.0}


def test_r030_late_bid_won():
    def r(ocid, date):
        bids = [bid(ocid + "W", date=date), bid(ocid + "L", date="2024-03-01T00:00:00Z")]
        return process(ocid, bids, ocid + "W", tender={"tenderPeriod": {"endDate": "2024-02-01T10:00:00Z"}})
    out = run([r("late", "2024-02-01T10:00:01Z"), r("on time", "2024-02-01T10:00:00Z")], "[R030]")
    assert ocids(out, "R030") == {"late"}
    assert tenderers(out, "R030") == {"lateW": 1.0}  # the late loser did not win


def test_r030_the_winners_second_bid_late():
    def r(ocid, second):
        bids = [bid("W", date="2024-01-31T00:00:00Z"), bid("L", date="2024-03-01T00:00:00Z"),
                bid("W", date=second)]
        return process(ocid, bids, "W", tender={"tenderPeriod": {"endDate": "2024-02-01T10:00:00Z"}})
    out = run([r("second late", "2024-02-02T00:00:00Z"), r("both on time", "2024-02-01T09:00:00Z")], "[R030]")
    assert ocids(out, "R030") == {"second late"}
    assert tenderers(out, "R030") == {"W": 1.0}


def test_r035_all_except_winning_bid_disqualified():
    rows = [process("all others out", [bid("W"), bid("D1", status="disqualified"),
                                       bid("D2", status="disqualified")], "W"),
            process("one other valid", [bid("V"), bid("E1", status="disqualified"), bid("E2")], "V")]
    out = run(rows, "[R035]")
    assert ocids(out, "R035") == {"all others out"}
    assert out["OCID"]["all others out"]["R035"] == 2.0
    assert tenderers(out, "R035") == {"W": 0.0}


def test_r035_the_winner_with_several_valid_bids():
    rows = [process("two bids of W", [bid("W"), bid("D1", status="disqualified"), bid("W")], "W"),
            process("W and V valid", [bid("W"), bid("D2", status="disqualified"), bid("V")], "W")]
    out = run(rows, "[R035]")
    assert ocids(out, "R035") == {"two bids of W"}
    assert out["OCID"]["two bids of W"]["R035"] == 1.0


def test_r036_lowest_bid_disqualified():
    rows = [process("lowest out", [bid("D", 90, status="disqualified"), bid("W", 100)], "W"),
            process("a higher one out", [bid("V", 90), bid("E", 100, status="disqualified")], "V")]
    out = run(rows, "[R036]")
    assert ocids(out, "R036") == {"lowest out"}


def test_r038_excessive_disqualified_bids():
    def r(ocid, buyer, disqualified):
        return process(ocid, [bid(f"{ocid}-{k}", status="disqualified" if k < disqualified else "valid")
                              for k in range(2)], buyer={"id": buyer})
    rows = [r("1", "B1", 1), r("2", "B1", 1), r("3", "B2", 1), r("4", "B2", 0)]
    out = run(rows, "[R038]\nthreshold = 0.5\n")
    assert out["Buyer"] == {"B1": {"R038": 0.5}}  # B2: 1 of 4 bids


def test_r044_business_similarities():
    def party(pid, street, roles=("tenderer",)):
        return {"id": pid, "roles": list(roles), "address": {"streetAddress": street, "locality": "Hefei"}}
    rows = [{"ocid": "shared address", "parties": [party("A", "1 Road "), party("B", "1 road")]},
            {"ocid": "other address", "parties": [party("C", "1 Road"), party("D", "2 Road")]},
            {"ocid": "not a tenderer", "parties": [party("E", "3 Road"), party("F", "3 Road", ("buyer",))]}]
    out = run(rows, "[R044]")
    assert ocids(out, "R044") == {"shared address"}
    assert tenderers(out, "R044") == {"A": 1.0, "B": 1.0}


def test_r048_heterogeneous_supplier():
    def r(ocid, supplier, code):
        return {"ocid": ocid, "awards": [{"status": "active", "suppliers": [{"id": supplier}],
                                          "items": [{"id": "1", "classification": {"id": code}}]}]}
    rows = [r("s1", "S", "45000000"), r("s2", "S", "71000000"), r("s3", "S", "30200000"),
            r("t1", "T", "45000000"), r("t2", "T", "45210000"), r("t3", "T", "71000000")]
    out = run(rows, "[R048]\nminimum_contracting_processes = 1\nthreshold = 3\n")
    assert tenderers(out, "R048") == {"S": 3.0}  # T: 45, 45, 71 -> 2 divisions


def test_all_flags_at_once_equal_each_alone():
    """The shared fold gives each indicator what it gets when it runs alone."""
    rows = [process("p", [bid("W", 100), bid("L", 104), bid("D", 90, status="disqualified"),
                          bid("L2", 104)], "W", buyer={"id": "B"},
                    tender={"numberOfTenderers": 1, "procurementMethod": "open",
                            "tenderPeriod": {"startDate": "2024-01-01T00:00:00Z",
                                             "endDate": "2024-01-05T00:00:00Z"}})]
    together = run(rows, "".join(f"[{c}]\n" for c in CODES))
    for code in CODES:
        alone = run(rows, f"[{code}]\n")
        assert ocids(together, code) == ocids(alone, code), code
        assert tenderers(together, code) == tenderers(alone, code), code
    assert {"R003", "R018", "R028", "R036"} <= set(together["OCID"]["p"])
