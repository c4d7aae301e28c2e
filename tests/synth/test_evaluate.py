"""The evaluation metrics on a hand-made pair of alerts and labels, counted by hand, and end to end."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from bidwatch.evaluate import evaluate_alerts, format_evaluation

LABELS = pd.DataFrame(
    [("T1", "collusion", "A;B", "same_preparer", ""),
     ("T2", "collusion", "A;C;D", "regular_price_pattern", ""),
     ("T3", "exclusion", "E", "few_bidders", ""),
     ("", "evasion", "Z", "untendered_contract", "P9")],
    columns=["tender_id", "scheme", "company_ids", "mechanism", "project_id"])
TENDERS = ["T1", "T2", "T3", "T4", "T5", "T6"]


def _alerts(as_text: bool) -> pd.DataFrame:
    rows = [
        ("same_preparer", "collusion", "high", "T1", "PJ1", ["A", "B"]),  # right, pair A-B
        ("identical_bid_prices", "collusion", "high", "T2", "PJ2", ["C", "A"]),  # right, pair A-C
        ("identical_bid_prices", "collusion", "high", "T4", "PJ4", ["X", "Y"]),  # false alarm on T4
        ("shared_ip", "collusion", "medium", "T4", "PJ4", ["X", "Y"]),  # the same tender again
        ("expert_repeat_panel", "expert_bias", "medium", "T5", "PJ5", []),  # false alarm on T5, alone
        ("price_screen", "collusion", "low", "T6", "PJ6", ["Q"]),  # low: not an alarm
        ("few_bidders", "exclusion", "medium", "T3", "PJ3", ["E"]),  # right
        ("untendered_contract", "evasion", "high", None, "P9", ["Z"]),  # right, by project
        ("same_agent", "collusion", "high", "T3", "PJ3", ["E", "F"]),  # wrong, but T3 is planted
        ("regular_price_pattern", "collusion", "medium", "T2", "PJ2", ["C"]),  # names one of the pair only
    ]
    df = pd.DataFrame(rows, columns=["indicator", "family", "severity", "tender_id", "project_id", "company_ids"])
    if as_text:
        df["company_ids"] = df["company_ids"].map(";".join)
    return df


@pytest.mark.parametrize("as_text", [False, True])
def test_metrics_counted_by_hand(as_text):
    ev = evaluate_alerts(_alerts(as_text), LABELS, tenders=TENDERS)
    col = ev["families"]["collusion"]
    assert (col["labels"], col["found"], col["recall"]) == (2, 2, 1.0)
    assert (col["alerts"], col["precision"]) == (7, round(3 / 7, 4))
    assert (col["high_alerts"], col["high_right"], col["high_precision"]) == (4, 2, 0.5)
    assert ev["families"]["evasion"]["high_precision"] == 1.0
    assert ev["families"]["exclusion"]["high_alerts"] == 0 and ev["families"]["exclusion"]["high_precision"] is None
    assert ev["families"]["expert_bias"]["precision"] == 0.0
    assert ev["high_severity"] == {"alerts": 5, "right": 3, "precision": 0.6}
    pairs = ev["collusion_pairs"]
    assert (pairs["pairs"], pairs["found"], pairs["recall"]) == (4, 2, 0.5)
    assert pairs["by_mechanism"] == {"regular_price_pattern": {"pairs": 3, "found": 1, "recall": 0.3333},
                                     "same_preparer": {"pairs": 1, "found": 1, "recall": 1.0}}
    fa = ev["false_alarms"]
    assert (fa["unplanted_tenders"], fa["alarmed_tenders"], fa["rate"]) == (3, 2, 0.6667)
    assert fa["by_indicator"] == {
        "expert_repeat_panel": {"tenders": 1, "alerts": 1, "high": 0, "sole": 1},
        "identical_bid_prices": {"tenders": 1, "alerts": 1, "high": 1, "sole": 0},
        "shared_ip": {"tenders": 1, "alerts": 1, "high": 0, "sole": 0}}
    text = format_evaluation(ev)
    assert "collusion pair recall: 2/4 = 0.500" in text
    assert "false-alarm rate" in text and "2/3 = 0.667" in text
    assert "regular_price_pattern 1/3" in text


def test_no_alerts_and_no_tender_list():
    empty = _alerts(False).iloc[0:0]
    ev = evaluate_alerts(empty, LABELS, tenders=TENDERS)
    assert ev["collusion_pairs"]["found"] == 0 and ev["collusion_pairs"]["recall"] == 0.0
    assert ev["false_alarms"]["rate"] == 0.0 and ev["false_alarms"]["by_indicator"] == {}
    assert evaluate_alerts(_alerts(False), LABELS)["false_alarms"] is None  # no tender list: not computed


def test_evaluate_command_reports_the_new_metrics(tmp_path, capsys):
    from bidwatch.cli import main
    from bidwatch.synth import write_synthetic

    write_synthetic(tmp_path / "ds", 100, 3, texts=0.1)
    out = tmp_path / "ev.json"
    assert main(["evaluate", str(tmp_path / "ds"), "--json", str(out)]) == 0
    ev = json.loads(out.read_text())
    labels = pd.read_csv(tmp_path / "ds" / "labels.csv", dtype=str, keep_default_na=False)
    assert ev["false_alarms"]["unplanted_tenders"] == 100 - labels.loc[labels["tender_id"] != "", "tender_id"].nunique()
    assert ev["collusion_pairs"]["pairs"] > 0
    assert all("high_precision" in m for m in ev["families"].values())
    printed = capsys.readouterr().out
    assert "collusion pair recall" in printed and "false-alarm rate" in printed
