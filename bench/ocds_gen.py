"""Generate N synthetic OCDS compiled releases as JSON lines (deterministic).

Each release is about 1.1 KB and has 1–10 bids, so 100,000 releases make a file of about 110 MB,
the size of the Cardinal comparison in the issue. The data is shaped so that every indicator of
``bidwatch ocds indicators`` has work to do: bid statuses of every kind, consortium bids, late
bids, equal prices, several currencies, cancelled tenders, excluded procurement method details,
pending awards, item classifications, repeated buyers, procuring entities and tenderers.

    python bench/ocds_gen.py 100000 /tmp/ocds-100k.jsonl [--seed 1]
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
    a = p.parse_args(argv)
    if a.out == "-":
        size = write(a.n, sys.stdout.buffer, a.seed)
    else:
        with open(a.out, "wb") as f:
            size = write(a.n, f, a.seed)
    print(f"{a.n} releases, {size / 1e6:.1f} MB, {size / max(a.n, 1):.0f} bytes each", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
