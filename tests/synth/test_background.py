"""The lawful background of the default world: present at the stated rates, unlabelled, and leaving
every plant as it is (the clean world, ``background="none"``, has none of it)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bidwatch.synth import background as BG
from bidwatch.synth import generate

from . import reference as ref

VIRTUAL_OUIS = {o for o, _, _ in BG._VIRTUAL}


def _files(t) -> pd.DataFrame:
    f = t["bid_files"].merge(t["bids"][["bid_id", "tender_id", "company_id"]], on="bid_id")
    return f.assign(mac=f["mac"].map(ref.norm_mac).str.upper())


def _ordinary(t, labels) -> set[str]:
    """Tenders with no label and no near miss."""
    near = set(t.near_misses["tender_ids"].str.split(";").explode())
    return set(t["tenders"]["tender_id"]) - set(labels["tender_id"]) - near


def _weak_mac(mac: str) -> bool:
    return mac[:6] in VIRTUAL_OUIS or bool(int(mac[:2], 16) & 0x02)


def test_default_authors_are_generated_in_many_spellings():
    a, pa_ = BG.default_authors(np.random.default_rng(1), 60)
    b, _ = BG.default_authors(np.random.default_rng(2), 60)
    assert len(set(a)) == 60 and abs(pa_.sum() - 1) < 1e-9
    assert set(a) != set(b)
    squashed = pd.Series(a).str.lower().str.replace(" ", "")
    assert squashed.duplicated().any()  # one default in several spellings
    macs, _ = BG.virtual_macs(np.random.default_rng(1), 12)
    assert len(set(macs)) == 12 and all(_weak_mac(m) for m in macs)


def test_default_authors_are_shared_by_many_unrelated_firms(synth, synth_real):
    t, labels = synth_real
    f = _files(t)
    people = set(t["people"]["name"])
    generic = f[~f["author"].isin(people)]
    spread = generic.groupby("author")["company_id"].nunique()
    assert spread.max() >= 12
    assert (spread >= 3).sum() >= 8
    assert 0.2 <= len(generic) / len(f) <= 0.45
    # the clean world's only non-person authors are the three listed generic ones
    c = _files(synth[0])
    assert set(c.loc[~c["author"].isin(set(synth[0]["people"]["name"])), "author"]) <= ref.GENERIC_AUTHORS


def test_virtual_adapters_are_shared_and_planted_macs_are_not(synth, synth_real):
    t, labels = synth_real
    f = _files(t)
    spread = f.groupby("mac")["company_id"].nunique()
    assert spread.max() >= 5
    planted_macs = set()
    for r in labels[(labels["mechanism"] == "same_preparer") & (labels["detail"] == "mac")].itertuples():
        planted_macs |= set(f.loc[(f["tender_id"] == r.tender_id) & f["company_id"].isin(r.company_ids.split(";")),
                                  "mac"])
    # a physical MAC is never widely shared, except a planted one (up to 3 colluders)
    assert all(_weak_mac(m) or m in planted_macs for m in spread[spread >= 3].index)
    assert 0.05 <= f["mac"].map(_weak_mac).mean() <= 0.25
    for r in labels[(labels["mechanism"] == "same_preparer") & (labels["detail"] == "mac")].itertuples():
        planted = f[(f["tender_id"] == r.tender_id) & f["company_id"].isin(r.company_ids.split(";"))]["mac"]
        assert planted.nunique() == 1 and not _weak_mac(planted.iloc[0])
        assert spread[planted.iloc[0]] == len(r.company_ids.split(";"))
    assert _files(synth[0]).groupby("mac")["company_id"].nunique().max() <= 3


def test_shared_network_exits(synth, synth_real):
    spread = _files(synth_real[0]).groupby("ip")["company_id"].nunique()
    assert spread.max() >= 10 and (spread >= 5).sum() >= 3
    assert _files(synth[0]).groupby("ip")["company_id"].nunique().max() <= 3


def test_prices_at_the_ceiling_rounded_and_fixed_fees(synth, synth_real):
    t, labels = synth_real
    td = t["tenders"].set_index("tender_id")
    ordinary = _ordinary(t, labels) & set(td.index[td["bid_list"] == "all"])
    b = t["bids"][t["bids"]["tender_id"].isin(ordinary) & t["bids"]["price"].notna()].copy()
    b["ceil"] = b["tender_id"].map(td["ceiling_price"])
    assert (t["bids"]["price"].dropna() <= t["bids"]["tender_id"].map(td["ceiling_price"])[
        t["bids"]["price"].notna()]).all()
    fixed = b.groupby("tender_id").apply(lambda g: len(g) >= 2 and (g["price"] == g["ceil"]).all())
    fixed = set(fixed[fixed].index)
    assert fixed and (td.loc[list(fixed), "category"] == "services").all()
    assert (td.loc[list(fixed), "award_method"] == "comprehensive").all()
    other = b[~b["tender_id"].isin(fixed)]
    assert 0.01 <= (other["price"] == other["ceil"]).mean() <= 0.08
    discounts = np.isclose(other["price"].to_numpy()[:, None],
                           np.round(other["ceil"].to_numpy()[:, None] * (1 - BG.ROUND_DISCOUNTS), 2)).any(axis=1)
    assert 0.01 <= discounts.mean() <= 0.1
    assert (other["price"] % 10000 == 0).mean() >= 0.04
    assert (other["price"] % 1000 == 0).mean() >= 0.15
    ties = other.groupby("tender_id")["price"].agg(lambda p: p.duplicated().any())
    assert ties.sum() >= 3  # chance ties on the coarse grid and at published figures
    # the planted identical prices are not published figures
    for r in labels[labels["mechanism"] == "identical_bid_prices"].itertuples():
        p = t["bids"][t["bids"]["tender_id"] == r.tender_id]["price"]
        assert p[p.duplicated(keep=False)].iloc[0] != td.loc[r.tender_id, "ceiling_price"]
    c = synth[0]["bids"].merge(synth[0]["tenders"][["tender_id", "ceiling_price"]], on="tender_id")
    assert not (c["price"] == c["ceiling_price"]).any()


def test_county_pools_repeat_experts_without_labels(synth, synth_real):
    def repeats(t):
        p = t["evaluations"][["tender_id", "expert_id"]].drop_duplicates().merge(
            t["tenders"][["tender_id", "tenderer_id"]], on="tender_id")
        g = p.groupby("tenderer_id").agg(tenders=("tender_id", "nunique"), experts=("expert_id", "nunique"))
        g["top"] = p.groupby(["tenderer_id", "expert_id"]).size().groupby("tenderer_id").max()
        return g

    t, labels = synth_real
    g = repeats(t)
    planted = set(t["tenders"].loc[t["tenders"]["tender_id"].isin(
        labels.loc[labels["mechanism"] == "expert_repeat_panel", "tender_id"]), "tenderer_id"])
    heavy = g[g["top"] >= 5].drop(index=list(planted), errors="ignore")
    assert len(heavy) >= 1  # lawful: an expert on 5+ panels of one tenderer, from its small county pool
    assert (heavy["experts"] <= BG.SMALL_POOL_SIZE[1]).all()  # ... and few experts in all its panels
    clean = repeats(synth[0])
    assert (clean.drop(index=list(planted), errors="ignore")["top"] <= 3).all()


def test_candidates_only_and_missing_bid_lists(synth, synth_real):
    t, labels = synth_real
    td = t["tenders"].set_index("tender_id")
    kind = td["bid_list"]
    assert set(kind) == {"all", "candidates", "none"}
    eligible = _ordinary(t, labels)
    assert set(kind.index[kind != "all"]) <= eligible  # never a planted, labelled or near-miss tender
    share = kind[list(eligible)].value_counts(normalize=True)
    assert 0.05 <= share["candidates"] <= 0.2 and 0.01 <= share["none"] <= 0.12
    bids = t["bids"]
    cand = bids[bids["tender_id"].isin(kind.index[kind == "candidates"])]
    n = cand.groupby("tender_id").size()
    assert n.between(1, 3).all() and len(n) == (kind == "candidates").sum()
    assert (cand["status"] == "valid").all() and cand["rank"].between(1, 3).all()
    win = cand[cand["rank"] == 1].set_index("tender_id")["company_id"]
    assert (win == td.loc[win.index, "winner_id"]).all()
    none = set(kind.index[kind == "none"])
    assert not set(bids["tender_id"]) & none
    partial = set(kind.index[kind != "all"])
    assert not set(t["evaluations"]["tender_id"]) & partial
    for name in ("bid_files", "bonds", "bid_items"):
        assert not set(t[name]["bid_id"]) & set(cand["bid_id"]), name
    assert not set(t.texts) & set(cand["bid_id"])
    assert (synth[0]["tenders"]["bid_list"] == "all").all()


def test_plants_are_the_same_in_both_worlds(synth, synth_real):
    (c, cl), (r, rl) = synth, synth_real
    # process-level labels name the winner, which the panel's marks decide: the same plant may be won
    # by another bidder when county panels change the draws
    winner = cl["scheme"].isin(["works_before_award", "exclusion"])
    pd.testing.assert_frame_equal(cl.drop(columns="company_ids"), rl.drop(columns="company_ids"))
    assert (cl.loc[~winner, "company_ids"] == rl.loc[~winner, "company_ids"]).all()
    for world, lab in ((c, cl), (r, rl)):
        win = world["tenders"].set_index("tender_id")["winner_id"]
        w = lab[winner & (lab["tender_id"] != "")]
        assert (w["company_ids"].to_numpy() == win[w["tender_id"]].to_numpy()).all()
    by_winner = c.near_misses["kind"].isin(["works_day_after_award", "contract_signed_30_days_after_award",
                                            "bid_period_exactly_20_days"])
    pd.testing.assert_frame_equal(c.near_misses.drop(columns="company_ids"), r.near_misses.drop(columns="company_ids"))
    assert (c.near_misses["company_ids"] == r.near_misses["company_ids"])[~by_winner].all()
    price_plants = ("identical_bid_prices", "regular_price_pattern", "bid_rotation", "lowest_bid_disqualified",
                    "few_bidders", "all_but_winner_disqualified")
    ts = set(cl.loc[cl["mechanism"].isin(price_plants), "tender_id"])
    cols = ["bid_id", "company_id", "price", "status"]  # ranks follow the marks (see above)
    pd.testing.assert_frame_equal(c["bids"].loc[c["bids"]["tender_id"].isin(ts), cols].reset_index(drop=True),
                                  r["bids"].loc[r["bids"]["tender_id"].isin(ts), cols].reset_index(drop=True))


def test_background_is_a_pure_function_and_fast():
    import time

    start = time.process_time()
    a = generate(400, 3, texts=False)
    assert time.process_time() - start < 10
    b = generate(400, 3, texts=False)
    for name in a[0]:
        pd.testing.assert_frame_equal(a[0][name], b[0][name])
