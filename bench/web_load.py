"""Load test of the web application: N concurrent users on PostgreSQL with the 1M-bid database.

Issue 18, item 14: 50 concurrent users browsing the dashboard, the alert list and tender pages; target
p95 under 1 s with no errors. The server is the production one (``bidwatch web serve``: waitress,
8 threads, no background worker) on 127.0.0.1; the users are threads of this process, each with its
own logged-in session, looping over the three pages with a think time between requests, for a fixed
time. Every request is bounded (timeout) and the run stops by itself.

    # build the 1M-bid database once (COPY straight into the tables, as bench/web_bench.py does):
    python bench/web_load.py --database-url postgres://postgres@127.0.0.1:5432/bidwatch_load --bids 1000000 --build-only
    # then the load test (reuses the database):
    python bench/web_load.py --database-url postgres://postgres@127.0.0.1:5432/bidwatch_load --users 50 --seconds 120

Half the users are the campaign office (sees every sector), half are housing department staff
(sector-scoped queries). Sessions are created directly in the session store (the Argon2 login of 50
users would measure the password hasher, not the pages). The load average before and after is
recorded: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    p.add_argument("--bids", type=int, default=0, help="generate this many bids first (else reuse the database)")
    p.add_argument("--build-only", action="store_true")
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--seconds", type=float, default=120.0)
    p.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"),
                   help="seconds a user waits between pages (uniform)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--threads", type=int, default=8, help="server threads (waitress)")
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--out", default="bench/out/web_load.json")
    return p.parse_args()


def _p(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] if ordered else float("nan")


def sessions(n: int) -> list[tuple[str, str]]:
    """(username, session key) of ``n`` users, half office, half housing department."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from bidwatch.web.accounts.models import Agency, Role, User
    from bidwatch.web.accounts.services import seed_agencies

    seed_agencies()
    out = []
    for i in range(n):
        office = i % 2 == 0
        username = f"load-{'office' if office else 'housing'}-{i:02d}"
        user, _ = User.objects.get_or_create(username=username, defaults={
            "role": Role.OFFICE if office else Role.DEPARTMENT,
            "agency": Agency.objects.get(code="office" if office else "housing")})
        User.objects.filter(pk=user.pk).update(must_change_password=False)  # no password: session only
        user.refresh_from_db()
        s = SessionStore()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        out.append((username, s.session_key))
    return out


def tender_ids() -> dict[str, list[str]]:
    """Tender pages the users open: the riskiest (most alerts) and a random spread, per scope."""
    from bidwatch.web.tenders.models import Tender

    top = list(Tender.objects.order_by("-risk_score").values_list("tender_id", flat=True)[:200])
    spread = list(Tender.objects.order_by("?").values_list("tender_id", flat=True)[:300])
    housing = list(Tender.objects.filter(sector="housing").order_by("-risk_score")
                   .values_list("tender_id", flat=True)[:300])
    return {"office": top + spread, "housing": housing}


def serve(args: argparse.Namespace, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = open(Path(env["BIDWATCH_DATA_DIR"]) / "serve.log", "wb")  # noqa: SIM115 - the server's lifetime
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "bidwatch.cli", "serve", "--addr", f"127.0.0.1:{args.port}", "--no-worker",
         "--no-migrate", "--threads", str(args.threads)], env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/accounts/login/", timeout=5)  # noqa: S310
            return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if proc.poll() is not None:
                raise SystemExit(f"server exited: {proc.returncode}") from None
            time.sleep(1)
    proc.terminate()
    raise SystemExit("server did not start in 120 s")


def run_users(args: argparse.Namespace, users: list[tuple[str, str]], tenders: dict[str, list[str]],
              cookie: str) -> dict[str, Any]:
    base = f"http://127.0.0.1:{args.port}"
    samples: dict[str, list[float]] = {"dashboard": [], "alerts": [], "tender": []}
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + args.seconds

    def user(i: int, username: str, key: str) -> None:
        rng = random.Random(i)
        scope = "office" if "-office-" in username else "housing"
        pages = [("dashboard", "/"), ("alerts", "/alerts/")]
        time.sleep(rng.uniform(0, args.think[1]))  # users arrive spread out, not in lockstep
        while time.monotonic() < stop_at:
            name, url = rng.choice(pages + [("tender", f"/tenders/{rng.choice(tenders[scope])}")] * 2)
            req = urllib.request.Request(base + url, headers={"Cookie": f"{cookie}={key}",
                                                                "Accept-Language": "zh-hans"})
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=args.timeout) as r:  # noqa: S310 - loopback only
                    body = r.read()
                    ok = r.status == 200 and b"login" not in r.url.encode() and len(body) > 500
                    status = r.status
            except urllib.error.HTTPError as exc:
                ok, status = False, exc.code
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                ok, status = False, type(exc).__name__
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                samples[name].append(ms)
                if not ok:
                    errors.append(f"{name} {url} {status}")
            time.sleep(rng.uniform(*args.think))

    threads = [threading.Thread(target=user, args=(i, u, k), daemon=True) for i, (u, k) in enumerate(users)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=args.seconds + args.timeout + 10)
    wall = time.monotonic() - t0
    pages = {}
    for name, times in samples.items():
        pages[name] = {"requests": len(times), "median_ms": round(_p(times, 0.5), 1), "p95_ms": round(_p(times, 0.95), 1),
                       "p99_ms": round(_p(times, 0.99), 1), "max_ms": round(max(times), 1) if times else None}
    everything = [t for times in samples.values() for t in times]
    return {"pages": pages, "all": {"requests": len(everything), "p95_ms": round(_p(everything, 0.95), 1),
                                    "median_ms": round(_p(everything, 0.5), 1),
                                    "per_second": round(len(everything) / wall, 1)},
            "errors": len(errors), "error_examples": errors[:10], "wall_seconds": round(wall, 1)}


def main() -> int:
    args = parse()
    import web_bench

    os.environ.setdefault("BIDWATCH_DATA_DIR", tempfile.mkdtemp(prefix="bidwatch-web-load-"))
    web_bench.setup(argparse.Namespace(database_url=args.database_url))
    from django.conf import settings
    from django.db import connection

    info: dict[str, Any] = {"database": connection.vendor}
    if args.bids:
        web_bench.users()
        info["generated"] = web_bench.generate(args.bids, 10)
    info["sizes"] = web_bench.sizes()
    print(json.dumps(info, ensure_ascii=False), flush=True)
    if args.build_only:
        return 0
    users = sessions(args.users)
    tenders = tender_ids()
    connection.close()
    env = {**os.environ, "DATABASE_URL": args.database_url, "BIDWATCH_DEBUG": "0"}
    server = serve(args, env)
    try:
        load_before = os.getloadavg()
        info["run"] = run_users(args, users, tenders, settings.SESSION_COOKIE_NAME)
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
    info.update({
        "users": args.users, "seconds": args.seconds, "think_seconds": list(args.think), "server_threads": args.threads,
        "cpus": os.cpu_count(), "load_average_1m": {"before": round(load_before[0], 2), "after": round(load_after[0], 2)},
        "target": "p95 < 1000 ms per page, no errors",
    })
    info["ok"] = info["run"]["errors"] == 0 and all(
        p["p95_ms"] < 1000 for p in info["run"]["pages"].values() if p["requests"])
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(info, ensure_ascii=False, indent=2))
    print(json.dumps(info, ensure_ascii=False, indent=2))
    return 0 if info["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
