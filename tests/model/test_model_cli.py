"""bidwatch model benchmark / train on small generated markets, and scoring for the scan."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bidwatch.cli import main
from bidwatch.model.benchmark import METRICS, read_cartel_file, read_contract_dataset
from bidwatch.model.features import FeatureBuilder
from bidwatch.model.scoring import TrainedModel, alert_mask, recommend_threshold, score_tenders


def test_benchmark_prints_each_market_and_writes_the_json_shape(cartel_file, tmp_path, capsys):
    out = tmp_path / "res" / "bench.json"
    assert main(["model", "benchmark", str(cartel_file), "--folds", "3", "--repeats", "1", "--jobs", "1",
                 "--json", str(out)]) == 0
    printed = capsys.readouterr()
    assert "Synthetic_market" in printed.out and "ROC-AUC" in printed.out
    assert "±" in printed.out
    assert "39 个标段 tenders" in printed.err  # the one-bid tender is left out; progress on stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert list(result) == ["Synthetic_market"]
    assert set(result["Synthetic_market"]) == set(METRICS)
    assert all(0 <= v <= 1 for v in result["Synthetic_market"].values())
    assert result["Synthetic_market"]["roc_auc"] > 0.9  # the planted pattern is easy


def test_transfer_trains_on_the_other_market(cartel_file, second_cartel_file, tmp_path, capsys):
    out = tmp_path / "transfer.json"
    assert main(["model", "benchmark", str(cartel_file), str(second_cartel_file), "--transfer",
                 "--repeats", "1", "--jobs", "1", "--json", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result) == {"Synthetic_market", "Other_market"}
    assert all(set(r) == set(METRICS) for r in result.values())
    assert "transfer" in capsys.readouterr().out


def test_benchmark_rejects_a_file_without_the_label(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"Tender": [1, 1], "Bid_value": [1.0, 2.0]}).to_csv(bad, index=False)
    assert main(["model", "benchmark", str(bad), "--jobs", "1"]) == 2
    assert "Collusive_competitor" in capsys.readouterr().err


def test_cartel_reader_uses_only_price_estimate_and_label(cartel_file):
    bids = read_cartel_file(cartel_file)
    assert list(bids.columns) == ["tender_id", "price", "estimate", "label"]
    features = FeatureBuilder().complete(FeatureBuilder().raw(bids))
    assert not any("Date" in c or "Tender" in c for c in features.columns)


def test_contract_dataset_reader(contract_dataset):
    bids = read_contract_dataset(contract_dataset)
    assert len(bids) == len(pd.read_csv(contract_dataset / "bids.csv")) - 1  # withdrawn bid left out
    assert bids["price"].min() > 1e4  # 万元 parsed to yuan
    labels = bids.groupby("tender_id")["label"].max()
    assert labels.sum() == 20 and len(labels) == 40
    assert bids["estimate"].notna().all()


def test_train_on_a_contract_dataset_then_score(contract_dataset, tmp_path, capsys):
    model_path = tmp_path / "m" / "mine.joblib"
    assert main(["model", "train", str(contract_dataset), "--out", str(model_path), "--jobs", "1"]) == 0
    assert model_path.exists()
    card = model_path.with_suffix(".md").read_text(encoding="utf-8")
    for section in ("Training data", "Features", "Evaluation protocol", "Alert threshold", "Limits"):
        assert section in card
    assert "my_cases" in card
    model = TrainedModel.load(model_path)
    assert 0 < model.threshold <= 1

    bids = read_contract_dataset(contract_dataset)[["tender_id", "price", "estimate"]]
    bids = pd.concat([bids, pd.DataFrame({"tender_id": ["SOLO"], "price": [1e5], "estimate": [np.nan]})])
    scored = score_tenders(bids, model)
    assert list(scored.columns) == ["tender_id", "n_bids", "probability", "above_threshold", "top_features"]
    solo = scored.set_index("tender_id").loc["SOLO"]
    assert np.isnan(solo["probability"]) and solo["top_features"] == [] and not solo["above_threshold"]
    labels = bids.merge(read_contract_dataset(contract_dataset).groupby("tender_id")["label"].max(),
                        on="tender_id").groupby("tender_id")["label"].max()
    p = scored.set_index("tender_id").loc[labels.index, "probability"]
    assert p[labels == 1].mean() > p[labels == 0].mean() + 0.3
    top = scored.set_index("tender_id").loc[labels[labels == 1].index[0], "top_features"]
    assert 1 <= len(top) <= 3
    feature, value, contribution = top[0]
    assert isinstance(feature, str) and np.isfinite(value) and contribution > 0


def test_train_on_cartel_files_without_evaluation(cartel_file, second_cartel_file, tmp_path):
    model_path = tmp_path / "two.joblib"
    assert main(["model", "train", str(cartel_file), str(second_cartel_file), "--out", str(model_path),
                 "--no-eval", "--jobs", "1"]) == 0
    model = TrainedModel.load(model_path)
    assert set(model.metadata["markets"]) == {"Synthetic_market", "Other_market"}
    assert model.threshold == pytest.approx(0.9)


def test_recommended_threshold_averages_the_clean_share_over_markets():
    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(200), np.ones(50)].astype(int)
    p = np.r_[rng.uniform(0, 0.8, 200), rng.uniform(0.5, 1, 50)]
    t = recommend_threshold({"A": (y, p)}, 0.10)
    assert np.mean(p[y == 0] >= t) <= 0.10 < np.mean(p[y == 0] >= t - 0.002)
    # A second market whose clean tenders all score high: equal weights, not tender counts.
    big = (np.zeros(2000, int), np.full(2000, 0.95))
    t2 = recommend_threshold({"A": (y, p), "B": big}, 0.10)
    assert t2 == pytest.approx(0.951)  # below 0.95 market B alone averages 50 % clean alerts
    assert recommend_threshold({"A": (np.ones(5, int), np.ones(5))}) == pytest.approx(0.9)  # no clean tender


def test_alert_mask_needs_the_threshold_and_the_top_share():
    p = np.array([0.99, 0.97, 0.95, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, np.nan])
    assert alert_mask(p, 0.9, 0.10).tolist() == [True] + [False] * 10       # 10 scored: top 1
    assert alert_mask(p, 0.9, 1.0).tolist() == [True, True, True] + [False] * 8
    assert alert_mask(p, 0.98, 1.0).sum() == 1
    assert alert_mask(np.array([0.95, 0.96]), 0.9, 0.10).tolist() == [False, True]  # at least one


def test_model_help_is_bilingual(capsys):
    with pytest.raises(SystemExit):
        main(["model", "train", "--help"])
    text = capsys.readouterr().out
    assert "训练" in text and "Train" in text


def test_balanced_weights_give_every_market_and_class_the_same_total():
    from bidwatch.model.benchmark import balanced_weights

    market = np.array(["A"] * 4 + ["B"] * 6)
    y = np.array([1, 0, 0, 0, 1, 1, 1, 1, 1, 0])
    w = balanced_weights(market, y)
    # cells: A1 = 1 tender, A0 = 3, B1 = 5, B0 = 1 → raw weights 1, 1/3, 1/5, 1; mean raw weight 0.4
    np.testing.assert_allclose(w, np.array([1, 1 / 3, 1 / 3, 1 / 3, 0.2, 0.2, 0.2, 0.2, 0.2, 1]) / 0.4)
    for m in ("A", "B"):
        for c in (0, 1):
            assert w[(market == m) & (y == c)].sum() == pytest.approx(2.5)
    assert balanced_weights(np.array(["A", "A"]), np.array([0, 0])).tolist() == [1.0, 1.0]


def test_train_options_for_a_pooled_scan_model(cartel_file, second_cartel_file, tmp_path):
    model_path = tmp_path / "scan.joblib"
    assert main(["model", "train", str(cartel_file), str(second_cartel_file), "--out", str(model_path),
                 "--no-eval", "--jobs", "1", "--standardise", "none", "--no-estimate", "--balance"]) == 0
    model = TrainedModel.load(model_path)
    assert model.builder.standardise == "none" and model.builder.estimate is False
    assert model.metadata["balance"] is True
    names = model.feature_names
    assert names[:2] == ["n", "CV"] and not any(n.startswith(("Z_", "BE")) for n in names)
    assert "--standardise none --no-estimate --balance" in model.metadata["command"]
    bids = read_cartel_file(cartel_file)
    scored = score_tenders(bids, model)   # an estimate column is present but not used
    assert (scored["probability"].notna() == (scored["n_bids"] >= 2)).all()
    assert {f for ev in scored["top_features"] for f, _, _ in ev} <= {"n", "CV", "SPD", "DIFFP", "RD", "RDNOR",
                                                                     "RDALT", "KURT", "SKEW", "KSTEST"}


def test_builder_without_estimate_ratios():
    bids = pd.DataFrame({"tender_id": ["a"] * 4, "price": [90.0, 95.0, 97.0, 99.0], "estimate": 100.0})
    with_be = FeatureBuilder(max_subsets=None)
    without = FeatureBuilder(max_subsets=None, standardise="none", estimate=False)
    assert list(with_be.raw(bids).columns)[-2:] == ["BE_MIN", "BE_MEDIAN"]
    assert list(without.raw(bids).columns) == without.names == ["n", "CV", "SPD", "DIFFP", "RD", "RDNOR", "RDALT",
                                                                "KURT", "SKEW", "KSTEST"]


def test_model_level_needs_two_markets_and_reuses_the_column_check(cartel_file, tmp_path, capsys):
    assert main(["model", "level", str(cartel_file)]) == 2
    err = capsys.readouterr().err
    assert "至少需要两个训练市场" in err and "Traceback" not in err
    bad = tmp_path / "g.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["model", "level", str(cartel_file), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "g.csv：缺少列" in err and "Collusive_competitor" in err
    assert main(["model", "level", str(cartel_file), str(tmp_path / "nope.csv")]) == 2
    assert "找不到文件：" in capsys.readouterr().err


def test_benchmark_names_a_gbk_or_empty_file_and_says_what_to_do(cartel_file, tmp_path, capsys):
    gbk = tmp_path / "市场.csv"
    text = cartel_file.read_text(encoding="utf-8").replace("Date", "日期", 1)
    gbk.write_bytes(text.encode("gbk"))
    assert main(["model", "benchmark", str(gbk), "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert str(gbk) in err and "第1行" in err and "UTF-8" in err and "codec" not in err
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["model", "benchmark", str(empty), "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert "empty.csv 为空" in err and "Tender,Bid_value,Collusive_competitor" in err and "No columns" not in err


def test_benchmark_reads_a_cartel_file_with_a_byte_order_mark(cartel_file, tmp_path):
    # near miss: UTF-8 with a BOM (Excel's "CSV UTF-8") is UTF-8
    bom = tmp_path / "Bom_market.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + cartel_file.read_bytes())
    assert main(["model", "benchmark", str(bom), "--folds", "3", "--repeats", "1", "--jobs", "1"]) == 0


def test_train_errors_are_chinese_first(tmp_path, contract_dataset, capsys):
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    assert main(["model", "train", str(tiny), "--out", str(tmp_path / "m.joblib")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误 / error: ") and err.index("需要 bids.csv") < err.index("a contract dataset needs")
    (contract_dataset / "labels.csv").write_text("tender_id,kind\nT1000,collusion\n", encoding="utf-8")
    assert main(["model", "train", str(contract_dataset), "--out", str(tmp_path / "m.joblib")]) == 2
    err = capsys.readouterr().err
    assert "labels：缺少列 ['scheme']" in err and err.index("缺少列") < err.index("missing column")
