"""The evaluation metrics on a hand-made pair of alerts and labels, counted by hand, and end to end."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from bidwatch.evaluate import LabelsError, evaluate_alerts, format_evaluation, read_labels

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


@pytest.fixture(scope="module")
def small_dataset(tmp_path_factory: pytest.TempPathFactory):
    from bidwatch.synth import write_synthetic

    out = tmp_path_factory.mktemp("ev") / "ds"
    write_synthetic(out, 100, 5, texts=0.0)
    return out


@pytest.mark.parametrize(("content", "said"), [
    (b"", "为空"),
    (b"a,b\n1,2\n", "scheme"),
])
def test_evaluate_refuses_an_empty_or_foreign_labels_file_before_the_scan(small_dataset, tmp_path, capsys, content, said):
    from bidwatch.cli import main

    labels = tmp_path / "labels.csv"
    labels.write_bytes(content)
    assert main(["evaluate", str(small_dataset), "--labels", str(labels)]) == 2
    err = capsys.readouterr().err
    assert said in err and str(labels) in err and "Traceback" not in err
    assert err.index("标注文件") < err.index("labels file")


def test_evaluate_refuses_a_json_folder_before_the_scan(small_dataset, tmp_path, capsys, monkeypatch):
    from bidwatch import scan
    from bidwatch.cli import main

    monkeypatch.setattr(scan, "run_scan", lambda *a, **k: pytest.fail("the scan ran"))
    assert main(["evaluate", str(small_dataset), "--json", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--json" in err and "文件夹" in err and str(tmp_path / "evaluation.json") in err


def test_read_labels_near_misses(tmp_path):
    # a header without rows is a dataset with no planted case; GB18030 and project-only labels are read
    header = tmp_path / "h.csv"
    header.write_text("tender_id,scheme\n", encoding="utf-8")
    assert len(read_labels(header)) == 0 and "company_ids" in read_labels(header)
    gbk = tmp_path / "g.csv"
    gbk.write_bytes("project_id,scheme,detail\nP1,evasion,拆分合同\n".encode("gb18030"))
    labels = read_labels(gbk)
    assert list(labels["project_id"]) == ["P1"] and list(labels["tender_id"]) == [""]
    with pytest.raises(LabelsError):
        read_labels(tmp_path)


def test_evaluate_says_which_labels_name_unknown_tenders(small_dataset, tmp_path, capsys):
    from bidwatch.cli import main

    labels = pd.read_csv(small_dataset / "labels.csv", dtype=str, keep_default_na=False)
    extra = pd.DataFrame([{"tender_id": "NO-SUCH-T1", "scheme": "collusion"},
                          {"tender_id": "NO-SUCH-T2", "scheme": "evasion"}])
    path = tmp_path / "labels.csv"
    pd.concat([labels, extra], ignore_index=True).fillna("").to_csv(path, index=False)
    out = tmp_path / "sub" / "ev.json"  # a folder that does not exist yet is made
    assert main(["evaluate", str(small_dataset), "--labels", str(path), "--json", str(out)]) == 0
    err = capsys.readouterr().err
    assert "有 2 个标段不在数据集中" in err and "NO-SUCH-T1、NO-SUCH-T2" in err
    ev = json.loads(out.read_text())
    assert ev["labels_unknown_tenders"] == ["NO-SUCH-T1", "NO-SUCH-T2"]
    # near miss: the dataset's own labels name no unknown tender and say nothing
    assert main(["evaluate", str(small_dataset), "--json", str(out)]) == 0
    assert "不在数据集中" not in capsys.readouterr().err
    assert "labels_unknown_tenders" not in json.loads(out.read_text())
