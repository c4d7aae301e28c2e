"""Screenshots of the dashboard, a tender, the alert list, a company, an alert, and the complaints
(list and one complaint) for docs/screenshots/.

    python scripts/web_screenshots.py --data-dir demo-out/web     # after `bidwatch web demo --no-serve`

Serves the application from that data dir on a free loopback port, logs in as the campaign office in
Debian's Chromium (Playwright with its executable path) with the demo login that `bidwatch web demo`
saved in <data dir>/demo-logins.txt (no password is changed), and writes the PNGs.
"""

from __future__ import annotations

import argparse
import os
import socket
import threading
import time
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--data-dir", default="demo-out/web")
    p.add_argument("--out", default="docs/screenshots")
    p.add_argument("--user", default="office")
    p.add_argument("--chromium", default="/usr/bin/chromium")
    args = p.parse_args()
    os.environ["BIDWATCH_DATA_DIR"] = str(Path(args.data_dir).resolve())
    from bidwatch.web import setup

    setup()
    from waitress import create_server

    from bidwatch.web.accounts.models import User
    from bidwatch.web.alerts.models import Alert
    from bidwatch.web.complaints.models import Complaint
    from bidwatch.web.tenders.models import Tender
    from bidwatch.web.wsgi import application

    logins_file = Path(os.environ["BIDWATCH_DATA_DIR"]) / "demo-logins.txt"
    saved = dict(line.split(" ", 1) for line in logins_file.read_text().splitlines() if " " in line) \
        if logins_file.exists() else {}
    password = saved.get(args.user)
    if not password or not User.objects.filter(username=args.user).exists():
        raise SystemExit(f"no demo login for {args.user!r} in {logins_file}: run `bidwatch web demo --no-serve` first")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = create_server(application, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    time.sleep(0.5)
    base = f"http://127.0.0.1:{port}"
    tender = Tender.objects.exclude(risk_score=None).order_by("-risk_score", "-n_bids").first()
    # The ORM is not called inside Playwright's event loop.
    group = Alert.objects.filter(indicator="cobidding_group").order_by("-score").first()
    paused = Complaint.objects.filter(pauses__end_on__isnull=True, pauses__isnull=False).first()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        page.goto(base + "/accounts/login/")
        page.fill("input[name=username]", args.user)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=whoami]")
        page.wait_for_function("() => document.querySelector('canvas[data-chart]').chart")
        page.screenshot(path=str(out / "dashboard.png"), full_page=True)
        if tender is not None:
            page.goto(f"{base}/tenders/{tender.tender_id}")
            page.wait_for_function("() => document.getElementById('link-graph').dataset.ready === '1'")
            page.screenshot(path=str(out / "tender.png"), full_page=True)
        page.goto(base + "/alerts/")
        page.screenshot(path=str(out / "alerts.png"), full_page=False)
        if tender is not None and tender.winner_id:
            page.goto(f"{base}/companies/{tender.winner_id}")
            page.screenshot(path=str(out / "company.png"), full_page=True)
        if group is not None:
            page.goto(f"{base}/alerts/a/{group.pk}")
            page.screenshot(path=str(out / "alert.png"), full_page=True)
        page.goto(base + "/complaints/")
        page.screenshot(path=str(out / "complaints.png"), full_page=True)
        if paused is not None:
            page.goto(f"{base}/complaints/{paused.pk}/")
            page.screenshot(path=str(out / "complaint.png"), full_page=True)
        browser.close()
    server.close()
    print(f"screenshots in {out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
