"""Indicators that read the bid documents' texts: near-duplicates (第40条(四)) and mixed packages (第40条(五)).

Near-duplicates (shingling and MinHash in :mod:`bidwatch.shingling`, shared with the bid-file
comparison of :mod:`bidwatch.documents`): character 3-gram shingles of each document after removing the shingles that every
document of the tender shares (the tender's own template, when the tender has ≥ 3 documents);
MinHash signatures (datasketch, 126 permutations) cut into 42 bands of 3 rows; candidate pairs are
documents of one tender that share a band, found by an ordinary relational self-join on the engine;
every candidate is verified by its exact Jaccard similarity. Nothing is compared across tenders.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import orjson
import pandas as pd

from bidwatch.indicators.base import ScanContext, indicator, names, tender_coverage
from bidwatch.shingling import (  # noqa: F401  (the shared shingling code; names kept importable from here)
    MINHASH_SEED,
    band_keys,
    jaccard,
    minhash_signature,
    normalise_text,
    shared_passages,
    shingles,
    shingles_in_order,
)

#: coverage: tenders where at least two companies bid (a comparison needs two), and of those the tenders
#: where at least two companies' bids carry a document text
_TWO_BIDDERS = "t.tender_id IN (SELECT tender_id FROM bids GROUP BY tender_id HAVING count(DISTINCT company_id) >= 2)"
_TWO_TEXTS = ("t.tender_id IN (SELECT b.tender_id FROM bids b JOIN bid_files f ON f.bid_id = b.bid_id "
              "WHERE f.text_path IS NOT NULL GROUP BY b.tender_id HAVING count(DISTINCT b.company_id) >= 2)")


def bid_texts(ctx: ScanContext) -> pd.DataFrame:
    """Bids of tenders with at least two documents, with their normalised text (cached per scan)."""
    if "bid_texts" in ctx.cache:
        return ctx.cache["bid_texts"]
    frame = ctx.engine.query(
        """
        WITH t AS (
            SELECT b.tender_id, b.bid_id, b.company_id, bf.text_path
            FROM bid_files bf JOIN bids b ON b.bid_id = bf.bid_id
            WHERE bf.text_path IS NOT NULL AND bf.text_path <> ''
        )
        SELECT * FROM t
        WHERE tender_id IN (SELECT tender_id FROM t GROUP BY tender_id HAVING count(DISTINCT company_id) >= 2)
        ORDER BY tender_id, bid_id
        """
    )
    frame["text"] = [ctx.dataset.read_text(p) for p in frame["text_path"]]
    ctx.cache["bid_texts"] = frame
    return frame


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["tender_id", "project_id", "company_ids", "score", "severity", "evidence"])


@indicator(
    code="similar_documents",
    name_zh="投标文件内容异常一致",
    name_en="Near-duplicate bid documents",
    family="collusion",
    legal_basis="招标投标法实施条例 第40条第(四)项",
    severity="high",
    kind="python",
    requires={"bid_files": ("text_path",)},
    coverage=tender_coverage(_TWO_TEXTS, _TWO_BIDDERS),
    message=lambda r: (
        f"投标人{names(r)}的投标文件正文（去除招标文件共同内容后）相似度{r['evidence']['jaccard']:.0%}，"
        f"相同段落如：“{(r['evidence'].get('passages') or [''])[0][:40]}”"
    ),
)
def similar_documents(ctx: ScanContext) -> pd.DataFrame:
    """同一标段两份投标文件正文的字符3-gram集合相似度（Jaccard，先去除该标段所有投标文件共有的内容）
    达到0.5为中风险、0.7为高风险；MinHash分桶筛选候选对后逐对精确计算。"""
    texts = bid_texts(ctx)
    if texts.empty:
        return _empty()
    k = int(ctx.p("collusion.text_shingle"))
    num_perm = int(ctx.p("collusion.text_num_perm"))
    bands, rows = int(ctx.p("collusion.text_bands")), int(ctx.p("collusion.text_rows"))
    min_chars = int(ctx.p("collusion.text_min_chars"))
    own: dict[str, np.ndarray] = {}
    norm: dict[str, str] = {}
    band_rows = []
    for tender_id, group in texts.groupby("tender_id", sort=False):
        docs = {bid: normalise_text(t) for bid, t in zip(group["bid_id"], group["text"], strict=True)}
        sets = {bid: shingles(t, k) for bid, t in docs.items() if len(t) >= min_chars}
        if len(sets) < 2:
            continue
        if len(sets) >= 3:  # the tender's template: what every document of the tender contains
            common = None
            for s in sets.values():
                common = s if common is None else np.intersect1d(common, s, assume_unique=True)
            sets = {bid: np.setdiff1d(s, common, assume_unique=True) for bid, s in sets.items()}
        bids = list(sets)
        sigs = np.stack([minhash_signature(sets[b], num_perm) for b in bids])
        keys = band_keys(sigs, bands, rows)
        for bid in bids:
            own[bid], norm[bid] = sets[bid], docs[bid]
        band_rows.append((tender_id, bids, keys))
    if not band_rows:
        return _empty()
    ctx.engine.register("_bw_doc_bands", pd.DataFrame({
        "tender_id": np.concatenate([np.repeat(t, len(b) * bands) for t, b, _ in band_rows]),
        "bid_id": np.concatenate([np.repeat(np.array(b, dtype=object), bands) for _, b, _ in band_rows]),
        "band": np.concatenate([np.tile(np.arange(bands, dtype=np.int32), len(b)) for _, b, _ in band_rows]),
        "key": np.concatenate([k.ravel() for _, _, k in band_rows]),
    }))
    candidates = ctx.engine.query(
        """
        SELECT DISTINCT a.tender_id, a.bid_id AS bid_a, b.bid_id AS bid_b
        FROM _bw_doc_bands a JOIN _bw_doc_bands b
          ON a.tender_id = b.tender_id AND a.band = b.band AND a.key = b.key AND a.bid_id < b.bid_id
        ORDER BY 1, 2, 3
        """
    )
    company = dict(zip(texts["bid_id"], texts["company_id"], strict=True))
    medium, high = float(ctx.p("collusion.text_medium_jaccard")), float(ctx.p("collusion.text_high_jaccard"))
    out = []
    for tender_id, a, b in candidates.itertuples(index=False):
        if company[a] == company[b]:
            continue
        j = jaccard(own[a], own[b])
        if j < medium:
            continue
        evidence = {
            "jaccard": round(j, 4),
            "bids": [a, b],
            "shingles": [int(len(own[a])), int(len(own[b]))],
            "passages": shared_passages(norm[a], np.intersect1d(own[a], own[b], assume_unique=True), k),
        }
        out.append({
            "tender_id": tender_id, "project_id": None, "company_ids": sorted([company[a], company[b]]),
            "score": min(1.0, j), "severity": "high" if j >= high else "medium",
            "evidence": orjson.dumps(evidence).decode(),
        })
    return pd.DataFrame(out) if out else _empty()


def _found_text(row: Mapping[str, Any]) -> str:
    ev = row["evidence"]
    return "；".join(f"{f['in_company_name']}的投标文件中出现{f['found_company_name']}的{f['kind_zh']}“{f['value']}”"
                    for f in ev["findings"][:3])


@indicator(
    code="mixed_packages",
    name_zh="投标文件相互混装",
    name_en="Bid documents mixed between bidders",
    family="collusion",
    legal_basis="招标投标法实施条例 第40条第(五)项",
    severity="high",
    kind="python",
    requires={"bid_files": ("text_path",), "companies": ("name",)},
    coverage=tender_coverage(_TWO_TEXTS, _TWO_BIDDERS),
    message=lambda r: f"投标文件相互混装：{_found_text(r)}",
)
def mixed_packages(ctx: ScanContext) -> pd.DataFrame:
    """一个投标人的投标文件正文中出现同一标段另一投标人的单位名称、联系电话或电子邮箱。"""
    texts = bid_texts(ctx)
    if texts.empty:
        return _empty()
    cols = [c for c in ("name", "phone", "email") if ctx.has("companies", c)]
    comp = ctx.engine.query("SELECT company_id, " + ", ".join(cols) + " FROM companies")
    info = {r["company_id"]: r for r in comp.to_dict("records")}
    kind_zh = {"name": "单位名称", "phone": "联系电话", "email": "电子邮箱"}
    bidders = ctx.engine.query("SELECT DISTINCT tender_id, company_id FROM bids")
    bidders = bidders[bidders["tender_id"].isin(set(texts["tender_id"]))]
    by_tender = bidders.groupby("tender_id")["company_id"].apply(list).to_dict()
    # a phone or e-mail that several firms register (an agency's, a guarantee company's) identifies none of them: as for
    # every linking value (indicators/spread.py), one used by spread_generic_min_companies firms or more is no evidence
    generic_min = int(ctx.p("collusion.spread_generic_min_companies"))
    users = {col: comp[col].value_counts().to_dict() for col in cols if col != "name"}
    out = []
    for row in texts.itertuples(index=False):
        own = info.get(row.company_id) or {}
        own_name = str(own.get("name") or "")
        # the document's own registered contacts: a value the other bidder registers too is in this document as its
        # own (two firms with one registered phone are shared_contact_details' matter, not a mixed package)
        own_values = {v for c in cols if isinstance(v := own.get(c), str)}
        findings = []
        involved = {row.company_id}
        for other in by_tender.get(row.tender_id, []):
            if other == row.company_id or other not in info:
                continue
            for col in cols:
                value = info[other].get(col)
                if not isinstance(value, str) or len(value) < 6:
                    continue
                if col == "name" and value in own_name:
                    continue  # a branch naming its parent company is not a foreign document
                if value in own_values or users.get(col, {}).get(value, 0) >= generic_min:
                    continue
                pos = row.text.find(value)
                if pos < 0:
                    continue
                findings.append({
                    "in_company_id": row.company_id, "in_company_name": own_name or row.company_id,
                    "found_company_id": other, "found_company_name": str(info[other].get("name") or other),
                    "kind": col, "kind_zh": kind_zh[col], "value": value, "bid_id": row.bid_id,
                    "context": row.text[max(0, pos - 20) : pos + len(value) + 20],
                })
                involved.add(other)
        if findings:
            out.append({
                "tender_id": row.tender_id, "project_id": None, "company_ids": sorted(involved),
                "score": 0.95, "severity": None,
                "evidence": orjson.dumps({"findings": findings, "bids": [row.bid_id]}).decode(),
            })
    return pd.DataFrame(out) if out else _empty()
