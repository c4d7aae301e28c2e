"""In Chromium: housing staff upload a tender's bid files (a generated zip and the tender's document),
the worker thread compares them, the result page shows the colluding pair first with its evidence and
both bidders' images side by side (served by the permission-checked view), and the broken file."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.web.bidfiles import PAIR, bid_archive


def test_upload_bid_files_and_see_the_pair_with_its_images(page_for: Callable[..., Any], app: str,
                                                           tmp_path: Path) -> None:
    archive, tender_doc = bid_archive(tmp_path / "bids")
    page = page_for("housing")
    page.click("nav >> text=投标文件比对")
    page.wait_for_url(re.compile(r"/bid-files/$"))
    page.fill("input[name=tender_id]", "T1")
    page.set_input_files("input[name=archive]", str(archive))
    page.set_input_files("input[name=tender_docs]", str(tender_doc))
    page.click("[data-testid=compare-form] button")
    page.wait_for_url(re.compile(r"/bid-files/\d+/$"))
    # htmx polls the task; when it has finished the page reloads with the result
    first = page.wait_for_selector("[data-testid=pair]", timeout=240_000)
    assert page.locator("[data-testid=compare-status]").get_attribute("data-status") == "done"
    assert first.get_attribute("data-bidders") == "|".join(PAIR)
    pair = page.locator("[data-testid=pair]").first
    expect(pair.locator("[data-indicator=doc_same_origin]")).to_contain_text("00C0FFEE")
    expect(pair.locator("[data-indicator=doc_same_origin] [data-testid=legal-basis]")).to_have_text(
        "招标投标法实施条例 第40条第(一)项")
    images = pair.locator("[data-testid=image-pair]")
    expect(images).to_have_count(2)
    for side in ("image-a", "image-b"):
        img = images.first.locator(f"[data-testid={side}]")
        expect(img).to_be_visible()
        page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    # side by side: the second bidder's picture is to the right of the first's
    box_a = images.first.locator("[data-testid=image-a]").bounding_box()
    box_b = images.first.locator("[data-testid=image-b]").bounding_box()
    assert box_b["x"] > box_a["x"] + box_a["width"] / 2 and abs(box_b["y"] - box_a["y"]) < 5
    expect(page.locator("[data-testid=file-error]")).to_contain_text("商务标.pdf")
    expect(page.locator("[data-testid=compare-alerts]")).to_be_visible()
    # the same page in English
    url = page.url
    en = page_for("housing", locale="en-US")
    en.goto(url)
    expect(en.locator("h2", has_text="Pairs of bidders")).to_be_visible()
    # another sector's department is refused the images
    transport = page_for("transport")
    src = images.first.locator("[data-testid=image-a]").get_attribute("src")
    assert transport.goto(app + src).status == 403
