"""Generate N synthetic OCDS compiled releases as JSON lines (deterministic).

Each release is about 1.1 KB and has 1–10 bids, so 100,000 releases make a file of about 110 MB,
the size of the Cardinal comparison in the issue. The data is shaped so that every indicator of
``bidwatch ocds indicators`` has work to do: bid statuses of every kind, consortium bids, late
bids, equal prices, several currencies, cancelled tenders, excluded procurement method details,
pending awards, item classifications, repeated buyers, procuring entities and tenderers.

    python bench/ocds_gen.py 100000 /tmp/ocds-100k.jsonl [--seed 1]

With ``--stages``, each contracting process is published as individual releases, one per stage, as
Jalisco or Paraguay publish: tender (buyer, tender), award (bids, awards), contract (when awarded); N
counts releases. ``--window W`` writes the stages of W processes at a time (all their tender releases,
then their award releases, then their contract releases), so the releases of one ocid are up to 3 W
lines apart; the default is the whole file: every ocid waits for its last stage until the last third
of the file, the worst case for a reader that groups releases by ocid.
"""

from __future__ import annotations

import argparse
import random
import sys

import orjson

METHODS = ("open", "open", "open", "selective", "limited", "direct")
DETAILS = ("open tender", "open tender", "invited tender", "negotiation", "inquiry", "single source",
           "Random Selection")
CPV = ("45000000", "45210000", "45230000", "45310000", "44110000", "71000000", "71300000",
       "30200000", "33100000", "34100000", "79400000", "90910000")


def _date(rng: random.Random, year_day: int, hour: int | None = None) -> str:
    month = 1 + (year_day // 28) % 12
    day = 1 + year_day % 28
    h = rng.randrange(0, 24) if hour is None else hour
    return f"2023-{month:02d}-{day:02d}T{h:02d}:{rng.randrange(0, 60):02d}:00Z"


def release(i: int, rng: random.Random) -> dict:
    ocid = f"ocds-bw{i // 100000:02d}-{i:08d}"
    start = rng.randrange(0, 300)
    length = rng.choice((3, 7, 10, 12, 14, 15, 20, 21, 25, 30))
    end_day = start + length
    n_bids = rng.randint(1, 10)
    tenderers = rng.sample(range(20000), n_bids)
    currency = "CNY" if rng.random() < 0.985 else "USD"
    base = round(rng.uniform(1e5, 5e7), -2)
    tender = {
        "status": "cancelled" if rng.random() < 0.02 else "complete",
        "procurementMethod": rng.choice(METHODS),
        "numberOfTenderers": n_bids,
        "tenderPeriod": {"startDate": _date(rng, start), "endDate": _date(rng, end_day, 10)},
        "procuringEntity": {"id": f"PE{rng.randrange(800):04d}"},
    }
    if rng.random() < 0.4:
        tender["procurementMethodDetails"] = rng.choice(DETAILS)
    details = []
    prices = []
    for k, t in enumerate(tenderers):
        r = rng.random()
        status = ("valid" if r < 0.78 else "disqualified" if r < 0.90 else "pending" if r < 0.95
                  else "withdrawn" if r < 0.98 else "invited")
        if prices and rng.random() < 0.03:
            amount = rng.choice(prices)  # identical bid prices
        else:
            amount = round(base * rng.uniform(0.85, 1.15), 2)
        prices.append(amount)
        ids = [{"id": f"C{t:05d}"}]
        if rng.random() < 0.03:  # consortium
            ids.append({"id": f"C{rng.randrange(20000):05d}"})
        late = rng.random() < 0.02
        bid = {"id": str(k + 1), "status": status}
        if late or rng.random() < 0.45:  # many publishers omit the bid date
            bid["date"] = _date(rng, end_day + (1 if late else -1), 9)
        bid["value"] = {"amount": amount, "currency": currency}
        bid["tenderers"] = ids
        details.append(bid)
    valid = [d for d in details if d["status"] == "valid" and len(d["tenderers"]) == 1]
    awards = []
    if valid and rng.random() < 0.92:
        if rng.random() < 0.8:
            winner = min(valid, key=lambda d: d["value"]["amount"])
        else:
            winner = rng.choice(valid)
        n_items = rng.randint(1, 2)
        awards.append({
            "id": "1",
            "status": "active" if rng.random() < 0.95 else "pending",
            "suppliers": [{"id": winner["tenderers"][0]["id"]}],
            "items": [{"id": str(j + 1), "classification": {"scheme": "CPV", "id": rng.choice(CPV)}}
                      for j in range(n_items)],
        })
    return {
        "ocid": ocid,
        "buyer": {"id": f"B{rng.randrange(2000):04d}"},
        "tender": tender,
        "bids": {"details": details},
        "awards": awards,
    }


def stages(i: int, rng: random.Random) -> list[dict]:
    """The compiled release ``i`` cut into its stage releases (tender, award, contract)."""
    r = release(i, rng)
    ocid = r["ocid"]
    start = r["tender"]["tenderPeriod"]["startDate"]
    end = r["tender"]["tenderPeriod"]["endDate"]
    out = [{"ocid": ocid, "id": f"{ocid}-tender", "date": start, "tag": ["tender"], "initiationType": "tender",
            "buyer": r["buyer"], "tender": r["tender"]},
           {"ocid": ocid, "id": f"{ocid}-award", "date": end, "tag": ["award"], "initiationType": "tender",
            "bids": r["bids"], "awards": r["awards"]}]
    for award in r["awards"]:
        out.append({"ocid": ocid, "id": f"{ocid}-contract", "date": end.replace("T10", "T16"), "tag": ["contract"],
                    "initiationType": "tender",
                    "contracts": [{"id": "1", "awardID": award["id"], "dateSigned": end.replace("T10", "T16"),
                                   "value": {"amount": 1000.0 + i, "currency": "CNY"}}]})
    return out


def write_stages(n: int, out, seed: int = 1, window: int | None = None) -> int:
    rng = random.Random(seed)
    processes = []
    total = 0
    while total < n:
        processes.append(stages(len(processes), rng))
        total += len(processes[-1])
    window = window or len(processes)
    size = 0
    written = 0
    for b in range(0, len(processes), window):
        block = processes[b:b + window]
        for stage in range(3):
            lines = [orjson.dumps(rs[stage]) + b"\n" for rs in block if len(rs) > stage][: n - written]
            written += len(lines)
            size += sum(len(x) for x in lines)
            out.write(b"".join(lines))
    return size


def write(n: int, out, seed: int = 1) -> int:
    rng = random.Random(seed)
    size = 0
    buf = []
    for i in range(n):
        line = orjson.dumps(release(i, rng)) + b"\n"
        size += len(line)
        buf.append(line)
        if len(buf) >= 10000:
            out.write(b"".join(buf))
            buf.clear()
    out.write(b"".join(buf))
    return size


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int)
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--stages", action="store_true", help="one release per stage (tender, award, contract)")
    p.add_argument("--window", type=int, default=None, help="with --stages: processes written at a time")
    a = p.parse_args(argv)

    def run(f) -> int:
        return write_stages(a.n, f, a.seed, a.window) if a.stages else write(a.n, f, a.seed)

    if a.out == "-":
        size = run(sys.stdout.buffer)
    else:
        with open(a.out, "wb") as f:
            size = run(f)
    print(f"{a.n} releases, {size / 1e6:.1f} MB, {size / max(a.n, 1):.0f} bytes each", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
