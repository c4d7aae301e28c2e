"""Playwright driving the distribution's Chromium (``/usr/bin/chromium``; never ``playwright install``)
against the real application served by pytest-django's live server, with the real worker thread."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("BIDWATCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync",
]

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (scripts/ci-services.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API refuses to run inside a running asyncio loop; Django's async-unsafe
    # guard must be lifted for the ORM calls the tests make next to it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def worker(settings: Any, transactional_db: Any) -> Iterator[None]:
    from bidwatch.web.tasks.queue import start_worker_thread

    settings.TASKS_EAGER = False
    thread, stop = start_worker_thread(poll_seconds=0.2)
    yield
    stop.set()
    thread.join(timeout=300)
    # a worker left running would take the next tests' tasks (and their files) as its own
    assert not thread.is_alive(), "the test's worker thread did not stop"


@pytest.fixture
def app(live_server: Any, worker: None, tmp_path: Path) -> str:
    from tests.web import factories

    factories.ensure_base(tmp_path)
    return str(live_server.url)


@pytest.fixture
def page_for(chromium: Any, app: str) -> Iterator[Callable[[str], Any]]:
    """A logged-in page for a user name (logging in through the real login form)."""
    from tests.web.factories import PASSWORD

    contexts = []

    def make(username: str, *, locale: str = "zh-CN") -> Any:
        ctx = chromium.new_context(locale=locale, viewport={"width": 1400, "height": 1000})
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        page.goto(app + "/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=whoami]")
        return page

    yield make
    for ctx in contexts:
        ctx.close()
