"""第40条(四) near-duplicate documents and 第40条(五) mixed packages."""

from __future__ import annotations

import json
import random

import numpy as np

from bidwatch.indicators.textsim import jaccard, shingles
from tests.indicators.helpers import companies_of, scan, world

CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"


def prose(seed: int, n: int = 900) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(CHARS) for _ in range(n))


def edit(text: str, share: float, seed: int) -> str:
    rng = random.Random(seed)
    chars = list(text)
    for i in rng.sample(range(len(chars)), int(len(chars) * share)):
        chars[i] = rng.choice(CHARS)
    return "".join(chars)


TEMPLATE = "一号路提质改造工程施工招标投标文件。" + prose(1, 600)


def texts_world(docs: dict[str, str]) -> tuple[dict, dict]:
    tables = world(bid_files=[{"bid_id": b, "text_path": f"texts/{b}.txt"} for b in docs])
    return tables, {f"texts/{b}.txt": t for b, t in docs.items()}


def test_shingles_are_exact_and_unique():
    a = shingles("abcabc")
    assert len(a) == 3  # abc, bca, cab
    assert jaccard(shingles("投标文件甲"), shingles("投标文件甲")) == 1.0
    assert jaccard(shingles("abcdef"), shingles("uvwxyz")) == 0.0


def test_a_lightly_edited_copy_fires(make_dataset, backend):
    own = prose(10)
    docs = {"B11": TEMPLATE + own, "B12": TEMPLATE + edit(own, 0.04, 3), "B13": TEMPLATE + prose(11)}
    tables, texts = texts_world(docs)
    alerts = scan(make_dataset(tables, texts=texts), "similar_documents", backend)
    assert companies_of(alerts) == [["C1", "C2"]]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["jaccard"] >= 0.5 and ev["bids"] == ["B11", "B12"]
    assert ev["passages"] and ev["passages"][0] in own


def test_documents_sharing_only_the_tender_template_do_not_fire(make_dataset):
    docs = {"B11": TEMPLATE + prose(20), "B12": TEMPLATE + prose(21), "B13": TEMPLATE + prose(22)}
    tables, texts = texts_world(docs)
    assert scan(make_dataset(tables, texts=texts), "similar_documents").empty


def test_template_removal_matters():
    own = [prose(30 + i) for i in range(3)]
    full = [shingles(TEMPLATE + o) for o in own]
    common = np.intersect1d(np.intersect1d(full[0], full[1]), full[2])
    assert jaccard(full[0], full[1]) > jaccard(np.setdiff1d(full[0], common), np.setdiff1d(full[1], common))


def test_mixed_packages_names_the_other_bidder(make_dataset, backend):
    docs = {
        "B11": TEMPLATE + prose(40) + "联系人电话13907310002，投标人：Beta建设工程有限公司" + prose(41, 200),
        "B12": TEMPLATE + prose(42),
        "B13": TEMPLATE + prose(43),
    }
    tables, texts = texts_world(docs)
    alerts = scan(make_dataset(tables, texts=texts), "mixed_packages", backend)
    assert companies_of(alerts) == [["C1", "C2"]]
    kinds = {f["kind"] for f in json.loads(alerts.iloc[0]["evidence"])["findings"]}
    assert kinds == {"name", "phone"}
    assert "Beta建设工程有限公司" in alerts.iloc[0]["message"]


def test_a_name_from_another_tender_does_not_fire(make_dataset):
    docs = {
        "B11": TEMPLATE + prose(50) + "曾与Delta建设工程有限公司合作",  # C4 bids in T2, not T1
        "B12": TEMPLATE + prose(51),
    }
    tables, texts = texts_world(docs)
    assert scan(make_dataset(tables, texts=texts), "mixed_packages").empty


def test_a_phone_both_bidders_register_is_no_mixed_package(make_dataset, backend):
    """C1 and C2 register one phone; C1's document gives it as its own: shared_contact_details' matter, not a
    document of C2's in C1's package (the demo's top tenders were this). Near miss: C2's own, different phone in
    C1's document is still a mixed package."""
    docs = {"B11": TEMPLATE + prose(60) + "联系电话07318069681" + prose(61, 200), "B12": TEMPLATE + prose(62)}
    tables, texts = texts_world(docs)
    for c in tables["companies"]:
        if c["company_id"] in ("C1", "C2"):
            c["phone"] = "07318069681"
    assert scan(make_dataset(tables, texts=texts), "mixed_packages", backend).empty
    tables["companies"][0]["phone"] = "07318000001"  # C1's own phone differs: C2's in C1's document is C2's
    alerts = scan(make_dataset(tables, texts=texts), "mixed_packages", backend)
    assert companies_of(alerts) == [["C1", "C2"]]


def test_a_phone_many_firms_register_is_no_mixed_package(make_dataset):
    """An agency's phone registered by six bidders identifies none of them (spread_generic_min_companies)."""
    docs = {"B11": TEMPLATE + prose(63) + "咨询电话07318888888" + prose(64, 200), "B12": TEMPLATE + prose(65)}
    tables, texts = texts_world(docs)
    for c in tables["companies"]:
        c["phone"] = "07318888888" if c["company_id"] != "C1" else "07318000001"
    tables["companies"].append({"company_id": "C7", "name": "Eta建设工程有限公司", "phone": "07318888888"})
    assert scan(make_dataset(tables, texts=texts), "mixed_packages").empty
