"""The labelled cartel markets scanned *as datasets*: what the whole catalogue's collusion alerts are worth.

    PYTHONPATH=src python bench/cartel_scan.py [--markets Japan,Ticino] [--json out.json] [--keep DIR]
                                               [--held-out-models DIR]

Each file of ``../shared/datasets/cartels/`` (García Rodríguez et al. 2022; columns in
``../shared/datasets/README.md``; every ``*.csv`` there: a market this script was not written for, in the same
columns, is converted by the same rules, its estimate's unit and its dates inferred as below) is converted into a contract dataset by :func:`convert` — one tender per
``Tender``, one bid per row with its price as given (local currency read as yuan), the firm where the
file names it — and scanned with the real :func:`bidwatch.scan.run_scan` (the whole catalogue, default
settings). The files' labels never enter the dataset: they are only used here, afterwards, to score the
alerts. Per market the script reports, for the collusion family and for each collusion indicator that
fires: alerts, tenders alerted, precision (share of the alerted tenders that are collusive) against the
market's base rate (lift = precision / base rate), and the share of the clean tenders that carry a
high-severity alert, and a medium-or-high one. The done-criterion of issue 11: collusion alerts right
clearly more often than the base rate, at most 5 % of the clean tenders with a high-severity collusion
alert.

What each file gives the dataset, and why:

- ``Competitors`` (Japan, Italy: a firm id) becomes ``company_id`` (Japan's ``Name competitors`` its
  name). The Swiss files name no firm: every bid gets a company of its own (``<tender>-<k>``), so the
  indicators that follow firms across tenders (co-bidding, rotation, serial losers) see nothing there —
  unknown identity is not evidence of a shared one.
- Other files of the same layout name the columns their own way: ``Competitor`` and ``Pre_Tender`` (the Comprasnet
  file of rodrigovilela/collusion) are read as ``Competitors`` and the PTE, said on stderr; a firm id is text (a
  CNPJ keeps its leading zeros).
- An electronic reverse auction (Brazil's pregão eletrônico) lists every lance: a firm bids down several times in
  one tender. Lances are no sealed bids — two firms matching each other's lance to the centavo is the auction, not
  异常一致 — so where at least a quarter of the tenders have a firm with several rows (``LANCE_MARKET_SHARE``;
  Japan has 5 of 1,080, kept as bids), each firm's lowest lance is its bid, said with the counts.
- The paper's pooled file (``DB_Collusion_All_processed.csv``, bids in euro, a ``Dataset`` column) numbers each
  country's tenders from 1: a tender (and a firm) is its market's, not merged across markets.
- ``Winner`` = 1 on exactly one bid (in an auction: on rows of one firm) gives ``tenders.winner_id``; ties and
  consortia (several winners in the Swiss files) leave it empty.
- Japan's ``Pre-Tender Estimate (PTE)`` is ``tenders.estimate`` (the bids sit at 78–100 % of it). Italy's
  PTE is recorded in hundreds: the file's own column ``Difference Bid/PTE`` states every bid as a discount in
  per cent on 100 × PTE (bid = 100 · PTE · (1 − Difference / 100) on every row, checked here to 10⁻⁶), the
  reserve price (base d'asta) of these average-bid auctions, so ``estimate`` = 100 × PTE there; the Swiss
  files have none. A market this script was not written for: the PTE's unit is inferred over the market, and a
  tender whose median bid lies outside 0.2–5 × it has no estimate (Comprasnet gives a unit price as the PTE of some
  lots of 500,000 units).
  No file gives a ceiling price (最高投标限价). A file with no tender labelled collusive (Comprasnet's) is scanned,
  and said to be unscorable: only its clean shares mean something.
- ``ml_collusion``'s shipped model was trained on Japan, GR/See-Gaster and Ticino: scanning those markets
  with it is in-sample and flatters it. ``--held-out-models DIR`` (written by ``bidwatch model level ...
  --save-models DIR``) scans each market with the model trained without it (``DIR/without-<file>.joblib``,
  ``[ml] model``): the honest figure for a market the model has not seen.
- A bid is ``Bid_value``, or ``Bid_value_without_inflation`` where the file has both (the USA file's
  ``Bid_value`` is deflated by a price index: the bid as submitted is the one whose ties and grid mean something;
  within a tender both share one date, so the screens are the same). Prices that need more than the fen's two
  decimals (school-milk bids of 0.1325 dollars a carton) are scaled by a power of ten so that they do
  (:func:`price_scale`; the estimate with them): the contract and the chance rules count in fen, and rounding
  0.1325 and 0.1349 to 0.13 would make ties that nobody bid.
- Every tender's bid list is the whole list (``bid_list = all``): the files hold every bid submitted.
- ``Date`` (seconds since 1970 in Japan and Ticino) becomes ``bid_deadline``; GR/See-Gaster's ``Date`` is a
  day count of unknown origin and is left out. Site, capital and the screens stored in the files are not
  used (the screens are defective, the README says; the catalogue computes its own).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
CARTELS = HERE.parent.parent / "shared" / "datasets" / "cartels"
MARKETS: dict[str, str] = {
    "Italy": "DB_Collusion_Italy_processed.csv",
    "Japan": "DB_Collusion_Japan_processed.csv",
    "GR/See-Gaster": "DB_Collusion_Switzerland_GR_and_See-Gaster_processed.csv",
    "Ticino": "DB_Collusion_Switzerland_Ticino_processed.csv",
}
#: markets whose ``Date`` is seconds since 1970 (GR/See-Gaster's is a day count of unknown origin)
EPOCH_DATES = {"Japan", "Ticino"}
#: markets with a PTE, and the factor that puts it in the bids' unit (Italy's is recorded in hundreds: see above)
ESTIMATE = {"Japan": 1.0, "Italy": 100.0}
#: the markets the shipped model was trained on (src/bidwatch/model/MODEL_CARD.md): any other is held out already
SHIPPED_TRAINING = {"Japan", "GR/See-Gaster", "Ticino"}
#: the firm column and the PTE column as other files of the same layout name them (the Comprasnet file of
#: rodrigovilela/collusion: ``Competitor``, ``Pre_Tender``), read as the paper's own names
FIRM_COLUMNS = ("Competitors", "Competitor")
PTE = "Pre-Tender Estimate (PTE)"
PTE_COLUMNS = (PTE, "Pre_Tender", "PTE")
#: a market is an electronic reverse auction (pregão eletrônico: each firm bids down in successive lances) where
#: at least this share of its tenders has a firm with more than one row; each firm's lowest lance is then its bid
LANCE_MARKET_SHARE = 0.25
#: for a market this script was not written for, a tender's PTE is its estimate only where the tender's median bid
#: lies within these multiples of it (a unit price given for a lot of 500,000 units is no estimate of the lot)
ESTIMATE_RANGE = (0.2, 5.0)


def market_name(path: Path) -> str:
    """The market's name: the known four by file, any other file by its stem (``DB_Collusion_Brazil_processed``
    → ``Brazil``), so a market this script was not written for is scanned the same way."""
    for name, file in MARKETS.items():
        if path.name == file:
            return name
    stem = path.stem.removeprefix("DB_Collusion_").removesuffix("_processed")
    return stem.replace("_", " ") or path.stem


def market_files(folder: Path) -> dict[str, Path]:
    """Every cartel file of ``folder``: the known markets first (in :data:`MARKETS`' order), then the others."""
    files = sorted(folder.glob("*.csv"))
    known = {MARKETS[m]: m for m in MARKETS}
    ordered = sorted(files, key=lambda p: (list(MARKETS).index(known[p.name]) if p.name in known else len(MARKETS),
                                           p.name))
    return {market_name(p): p for p in ordered}


def _ids(values: pd.Series) -> pd.Series:
    """Identifiers as text: whole numbers without a decimal point (1305.0 → "1305"), anything else as written — a
    number read as text keeps its leading zeros (a CNPJ ``00301082000104`` is not ``301082000104``)."""
    if pd.api.types.is_string_dtype(values):  # read as text (pandas' str dtype, or object)
        text = values.astype(str).str.strip()
        return text.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    num = pd.to_numeric(values, errors="coerce")
    if num.notna().all() and (num == num.round()).all():
        return num.astype("int64").astype(str)
    return values.astype(str).str.strip()


def read_market(csv_path: Path) -> pd.DataFrame:
    """The file, its firm column read as text (leading zeros kept) and the firm and PTE columns under the paper's
    names (:data:`FIRM_COLUMNS`, :data:`PTE_COLUMNS`), each renaming said."""
    raw = pd.read_csv(csv_path, dtype={c: str for c in FIRM_COLUMNS})
    renames = {}
    for names in (FIRM_COLUMNS, PTE_COLUMNS):
        given = next((c for c in names if c in raw.columns), None)
        if given is not None and given != names[0]:
            renames[given] = names[0]
    if renames:
        said = ", ".join(f"{a} → {b}" for a, b in renames.items())
        print(f"{market_name(csv_path)}: columns read as the paper's: {said}", file=sys.stderr)
    return raw.rename(columns=renames)


def _estimate_scale(name: str, raw: pd.DataFrame) -> float | None:
    """The factor that puts the file's PTE in its bids' unit, or None when the PTE is not used. The known markets
    as measured (module docstring); another market's where its bids sit at 50–120 % of 1, 10, 100 or 1,000 × its
    PTE (median over the bids), else the PTE is left out and said so."""
    if PTE not in raw.columns:
        return None
    if name in MARKETS:
        return ESTIMATE.get(name)
    ratio = (raw["Bid_value"].astype(float) / raw[PTE].astype(float)).replace(
        [np.inf, -np.inf], np.nan).median()
    for scale in (1.0, 10.0, 100.0, 1000.0):
        if 0.5 <= ratio / scale <= 1.2:
            return scale
    print(f"{name}: the bids sit at {ratio:.3g} × the PTE, in no unit this script knows: estimate left out",
          file=sys.stderr)
    return None


def bid_values(raw: pd.DataFrame) -> pd.Series:
    """The bids as submitted: ``Bid_value_without_inflation`` where the file has it (the module docstring), else
    ``Bid_value``."""
    column = "Bid_value_without_inflation" if "Bid_value_without_inflation" in raw.columns else "Bid_value"
    return pd.to_numeric(raw[column], errors="coerce")


def price_scale(values: pd.Series, max_decimals: int = 6) -> float:
    """The power of ten (1, 10, …, 10⁴) that brings every bid to at most two decimals (the fen). A value's decimals
    are counted to a millionth of its size and at most ``max_decimals`` (float noise, and the endless decimals of
    a deflated price, are not resolution)."""
    v = values.dropna().abs().to_numpy(dtype=float)
    if not len(v):
        return 1.0
    decimals = 0
    for d in range(max_decimals + 1):
        scaled = v * 10.0 ** d
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-6 * np.maximum(1.0, scaled)):
            decimals = d
            break
    else:
        decimals = max_decimals
    return 10.0 ** max(0, decimals - 2)


def _epoch_dates(name: str, dates: pd.Series) -> bool:
    """Whether ``Date`` is seconds since 1970: as measured for the known markets; for another, when every value
    lies between 1973 and 2100 read that way (a day count or a year does not)."""
    if name in MARKETS:
        return name in EPOCH_DATES
    d = pd.to_numeric(dates, errors="coerce")
    return bool(d.notna().all() and d.between(1e8, 4.1e9).all())


def convert(csv_path: str | Path, out_dir: str | Path) -> tuple[Path, pd.Series]:
    """Write the cartel file ``csv_path`` as a contract dataset in ``out_dir``.

    Returns the dataset's folder and the tender labels (tender_id -> 1 collusive / 0 clean; a tender is
    collusive when its bids are marked ``Collusive_competitor`` = 1, constant within a tender). The labels
    stay out of the dataset.
    """
    from bidwatch.contract import save_dataset

    csv_path = Path(csv_path)
    name = market_name(csv_path)
    raw = read_market(csv_path)
    missing = [c for c in ("Tender", "Bid_value", "Collusive_competitor") if c not in raw.columns]
    if missing:
        raise ValueError(f"{csv_path.name}: no column {', '.join(missing)} (the cartel files' columns: "
                         "../shared/datasets/README.md)")
    raw = raw.assign(Bid_value=bid_values(raw))
    raw = raw[raw["Bid_value"].notna()].reset_index(drop=True)
    unit = price_scale(raw["Bid_value"])
    if unit != 1.0:
        print(f"{name}: bids carry up to {int(np.log10(unit)) + 2} decimals (median {raw['Bid_value'].median():.4g}): "
              f"prices × {unit:g} (the contract counts in fen)", file=sys.stderr)
    if "Consortium" in raw.columns:
        # a consortium's members are listed once each with the consortium's one price (Ticino): one bid, not
        # several identical ones (which identical_bid_prices would rightly read as 异常一致)
        member = raw["Consortium"].fillna(0).astype(float) > 0
        dup = member & raw.duplicated(["Tender", "Bid_value", "Consortium"], keep="first")
        raw = raw[~dup].reset_index(drop=True)
    tender = _ids(raw["Tender"]).radd("T")
    if "Dataset" in raw.columns:
        # the paper's pooled file (DB_Collusion_All_processed.csv) numbers each country's tenders from 1: tender 1 of
        # Italy and tender 1 of Japan are two tenders, and a firm id is its country's
        source = raw["Dataset"].astype(str).str.strip().str.replace(r"[^0-9A-Za-z]+", "", regex=True)
        tender = "T" + source + "-" + tender.str[1:]
        if "Competitors" in raw.columns:
            raw = raw.assign(Competitors=source + "-" + _ids(raw["Competitors"]))
        print(f"{name}: a pooled file of {source.nunique()} markets ({', '.join(sorted(source.unique()))}): "
              "tenders and firms are each market's own", file=sys.stderr)
    # order within a tender: lowest bid first, then the file's row order (stable)
    order = raw.assign(_t=tender).sort_values(["_t", "Bid_value"], kind="stable")
    raw, tender = order.drop(columns="_t").reset_index(drop=True), order["_t"].reset_index(drop=True)
    won = (raw["Winner"].fillna(0).astype(float) == 1 if "Winner" in raw.columns
           else pd.Series(False, index=raw.index))
    labels = (raw["Collusive_competitor"].fillna(0).astype(float) > 0).groupby(tender).max().astype(int)
    if "Competitors" in raw.columns:
        company = _ids(raw["Competitors"]).radd("F")
        names = (raw["Name competitors"].astype(str) if "Name competitors" in raw.columns
                 else company.radd("企业"))
        lance = pd.DataFrame({"t": tender, "c": company}).duplicated(keep="first")
        auctioned = lance.groupby(tender).any()
        auction = bool(auctioned.mean() >= LANCE_MARKET_SHARE)
        # one winning row (in an auction: rows of one firm) makes the winner; a tie leaves it empty
        winners = company[won].groupby(tender[won]).agg(
            lambda s: s.iloc[0] if len(s) == 1 or (auction and s.nunique() == 1) else None)
        if auction:
            # a reverse auction's lances are no sealed bids: each firm's last word is its lowest lance (the rows
            # are in price order within a tender, so the first of a firm's is its lowest); the winner is the
            # winning row's firm, whichever lance the file marks
            print(f"{name}: {int(auctioned.sum()):,} of {len(auctioned):,} tenders have firms bidding several times "
                  f"(a reverse auction's lances): each firm's lowest lance is its bid ({len(raw):,} rows → "
                  f"{int((~lance).sum()):,} bids)", file=sys.stderr)
            raw, tender = raw[~lance].reset_index(drop=True), tender[~lance].reset_index(drop=True)
            company, names = company[~lance].reset_index(drop=True), names[~lance].reset_index(drop=True)
    else:
        company = tender + "-" + (tender.groupby(tender).cumcount() + 1).astype(str)
        names = company.radd("投标人")
        winners = company[won].groupby(tender[won]).agg(lambda s: s.iloc[0] if len(s) == 1 else None)
    k = tender.groupby(tender).cumcount() + 1
    bids = pd.DataFrame({
        "bid_id": tender + "-B" + k.astype(str).str.zfill(3),
        "tender_id": tender,
        "company_id": company,
        "price": (raw["Bid_value"].astype(float) * unit).round(2),
    })
    companies = (pd.DataFrame({"company_id": company, "name": names})
                 .drop_duplicates("company_id").reset_index(drop=True))
    first = raw.groupby(tender, sort=True).first()
    tenders = pd.DataFrame({"tender_id": first.index.to_numpy()})
    tenders["title"] = [f"{name} 标段 {t[1:]}" for t in tenders["tender_id"]]
    tenders["category"] = "works"
    tenders["procedure"] = "open"
    tenders["bid_list"] = "all"
    tenders["winner_id"] = tenders["tender_id"].map(winners).astype(object)
    tenders["winner_id"] = tenders["winner_id"].where(tenders["winner_id"].notna(), None)
    scale = _estimate_scale(name, raw)
    if scale is not None:
        # a known factor must be the file's own statement, on every row, or the conversion stops
        if name in MARKETS and scale != 1.0:
            stated = (scale * raw[PTE].astype(float)
                      * (1 - raw["Difference Bid/PTE"].astype(float) / 100))
            if not np.allclose(stated, raw["Bid_value"].astype(float), rtol=1e-6, atol=0.0):
                raise ValueError(f"{csv_path.name}: the bids are not 100 × PTE less the stated discount")
        estimate = pd.Series(first[PTE].to_numpy(dtype=float) * scale, index=first.index)
        if name not in MARKETS:
            ratio = raw["Bid_value"].astype(float).groupby(tender).median() / estimate
            off = ~ratio.between(*ESTIMATE_RANGE)
            if off.any():
                print(f"{name}: {int(off.sum()):,} tenders' bids sit outside {ESTIMATE_RANGE[0]:g}–"
                      f"{ESTIMATE_RANGE[1]:g} × their PTE (a unit price, or another unit): no estimate for them",
                      file=sys.stderr)
            estimate = estimate.where(~off)
        tenders["estimate"] = (estimate.to_numpy() * unit).round(2)
    if "Date" in first.columns and _epoch_dates(name, first["Date"]):
        tenders["bid_deadline"] = [
            dt.datetime.fromtimestamp(int(s), dt.UTC).strftime("%Y-%m-%d 09:30:00") for s in first["Date"]]
    out = save_dataset({"companies": companies, "tenders": tenders, "bids": bids}, out_dir)
    return Path(out), labels


def collusion_table(alerts: pd.DataFrame, labels: pd.Series) -> list[dict[str, Any]]:
    """Rows for the collusion family and for each collusion indicator that raised an alert."""
    base = float(labels.mean()) if len(labels) else float("nan")
    clean = labels[labels == 0].index
    col = alerts[(alerts["family"] == "collusion") & alerts["tender_id"].notna()] if len(alerts) else alerts
    groups: list[tuple[str, pd.DataFrame]] = [("collusion (family)", col)]
    groups += [(code, col[col["indicator"] == code]) for code in sorted(set(col["indicator"])) if len(col)]

    def share_clean(frame: pd.DataFrame, severities: tuple[str, ...]) -> float:
        hit = set(frame.loc[frame["severity"].isin(severities), "tender_id"])
        return round(len(hit & set(clean)) / len(clean), 4) if len(clean) else float("nan")

    def precision(frame: pd.DataFrame, severities: tuple[str, ...]) -> tuple[int, float | None]:
        hit = sorted(set(frame.loc[frame["severity"].isin(severities), "tender_id"]) & set(labels.index))
        return len(hit), (round(float(labels.loc[hit].mean()), 4) if hit else None)

    rows = []
    for name, frame in groups:
        n_any, p_any = precision(frame, ("high", "medium", "low"))
        n_mh, p_mh = precision(frame, ("high", "medium"))
        n_h, p_h = precision(frame, ("high",))
        rows.append({
            "indicator": name, "alerts": int(len(frame)),
            "by_severity": {k: int(v) for k, v in frame["severity"].value_counts().items()},
            "tenders_alerted": n_any, "precision": p_any,
            "lift": round(p_any / base, 2) if p_any is not None and base else None,
            "tenders_medium_high": n_mh, "precision_medium_high": p_mh,
            "lift_medium_high": round(p_mh / base, 2) if p_mh is not None and base else None,
            "tenders_high": n_h, "precision_high": p_h,
            "clean_high_share": share_clean(frame, ("high",)),
            "clean_medium_high_share": share_clean(frame, ("high", "medium")),
        })
    return rows


def scan_market(csv_path: Path, work: Path, engine: str = "duckdb",
                model: Path | None = None) -> dict[str, Any]:
    """Convert, load and scan one market; ``model``: the ``[ml] model`` file to use (default: shipped)."""
    from bidwatch.config import load_settings
    from bidwatch.contract import load_dataset
    from bidwatch.scan import run_scan

    name = market_name(csv_path)
    t0 = time.perf_counter()
    folder, labels = convert(csv_path, work / name.replace("/", "-"))
    ds = load_dataset(folder)
    settings = load_settings(overrides={"ml": {"model": str(model)}} if model else None)
    result = run_scan(ds, engine=engine, settings=settings)
    ml_cov = result.summary.get("coverage", {}).get("ml_collusion", {})
    return {
        "market": name, "file": csv_path.name,
        "ml_model": model.name if model else ("shipped" if name in SHIPPED_TRAINING
                                              else "shipped (not trained on this market)"),
        "tenders": int(len(labels)), "bids": int(ds.row_counts.get("bids", 0)),
        "collusive": int(labels.sum()), "base_rate": round(float(labels.mean()), 4),
        "alerts": int(len(result.alerts)), "collusion": collusion_table(result.alerts, labels),
        "ml_collusion_coverage": ml_cov,
        "skipped": sorted(s["indicator"] for s in result.skipped),
        "seconds": round(time.perf_counter() - t0, 1),
    }


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}" if v < 10 else f"{v:.1f}"
    return str(v)


def markdown(results: Sequence[dict[str, Any]]) -> str:
    lines = []
    for r in results:
        lines += [
            f"**{r['market']}**: {r['tenders']:,} tenders, {r['bids']:,} bids, {r['collusive']:,} collusive "
            f"(base rate {r['base_rate']:.3f}); ml_collusion model: {r['ml_model']}; "
            f"scanned in {r['seconds']} s.",
            "",
            *([f"No tender of this file is labelled collusive: precision and lift cannot be measured here; the "
               f"shares of clean tenders with an alert are its false-alarm rates.", ""] if not r["collusive"] else []),
            "| indicator | alerts (h/m/l) | tenders alerted | precision | lift | tenders med+high "
            "| precision med+high | lift med+high | clean with high | clean with med+high |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in r["collusion"]:
            sev = row["by_severity"]
            lines.append(
                f"| {row['indicator']} | {row['alerts']} ({sev.get('high', 0)}/{sev.get('medium', 0)}/"
                f"{sev.get('low', 0)}) | {row['tenders_alerted']} | {_fmt(row['precision'])} | "
                f"{_fmt(row['lift'])} | "
                f"{row['tenders_medium_high']} | {_fmt(row['precision_medium_high'])} | "
                f"{_fmt(row['lift_medium_high'])} | {_fmt(row['clean_high_share'])} | "
                f"{_fmt(row['clean_medium_high_share'])} |")
        lines.append("")
    return "\n".join(lines)


def _commit() -> str:
    try:
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True,
                              text=True, check=True)
        return done.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cartels", type=Path, default=CARTELS, help="folder of the cartel CSV files")
    parser.add_argument("--markets", help="comma-separated market names (default: every CSV file of --cartels; "
                                          "the known ones are " + ", ".join(MARKETS) + ")")
    parser.add_argument("--engine", default="duckdb", choices=("duckdb", "spark"))
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    parser.add_argument("--keep", type=Path, help="keep the converted datasets in this folder")
    parser.add_argument("--held-out-models", type=Path, metavar="DIR",
                        help="scan each market with DIR/without-<file>.joblib "
                             "(bidwatch model level --save-models)")
    args = parser.parse_args(argv)
    found = market_files(args.cartels) if args.cartels.is_dir() else {}
    wanted = [m.strip() for m in args.markets.split(",") if m.strip()] if args.markets else list(found)
    unknown = [m for m in wanted if m not in found and m not in MARKETS]
    if unknown:
        parser.error(f"unknown market(s) {unknown}; {args.cartels} holds {list(found)}")
    if not wanted:
        parser.error(f"no cartel file (*.csv) in {args.cartels}")
    results = []
    with tempfile.TemporaryDirectory(prefix="bw-cartels-") as tmp:
        work = args.keep or Path(tmp)
        for m in wanted:
            path = found.get(m, args.cartels / MARKETS.get(m, m))
            if not path.exists():
                print(f"skipped {m}: {path} absent", file=sys.stderr)
                continue
            model = None
            if args.held_out_models:
                model = args.held_out_models / f"without-{path.stem}.joblib"
                if not model.exists():
                    if m in SHIPPED_TRAINING:
                        parser.error(f"{model} absent: run "
                                     f"`bidwatch model level ... --save-models {args.held_out_models}`")
                    model = None  # the shipped model never saw this market: it is held out already
            results.append(scan_market(path, work, args.engine, model))
            print(f"scanned {m} in {results[-1]['seconds']} s", file=sys.stderr)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"Cartel markets scanned as datasets ({stamp}, commit {_commit()}, engine {args.engine})\n")
    print(markdown(results))
    if args.json:
        args.json.write_text(json.dumps({"measured": stamp, "commit": _commit(), "engine": args.engine,
                                         "held_out_models": bool(args.held_out_models),
                                         "markets": results}, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
