from __future__ import annotations

from bidwatch.contract import REQUIRED_TABLES, TABLES, Column, Table

EXPECTED_TABLES = {"companies", "people", "projects", "tenders", "bids", "bid_files", "bid_items", "bonds",
                   "evaluations", "experts", "contracts", "sanctions"}


def test_every_contract_table_is_declared():
    assert set(TABLES) == EXPECTED_TABLES
    assert set(REQUIRED_TABLES) == {"tenders", "bids", "companies"}
    assert all(isinstance(t, Table) and all(isinstance(c, Column) for c in t.columns) for t in TABLES.values())


def test_primary_keys():
    pk = {name: t.primary_key for name, t in TABLES.items() if t.primary_key}
    assert pk == {
        "companies": ("company_id",), "people": ("person_id", "company_id", "role"),
        "projects": ("project_id",), "tenders": ("tender_id",), "bids": ("bid_id",),
        "bid_items": ("bid_id", "item_code"), "experts": ("expert_id",),
        "contracts": ("contract_id",), "sanctions": ("sanction_id",),
    }


def test_headers_are_unambiguous_within_each_table():
    from bidwatch.contract.schema import PLATFORM_ALIASES
    from bidwatch.contract.sources import header_key

    for t in TABLES.values():
        headers = [h for c in t.columns for h in (c.name, c.zh, *c.aliases)]
        assert len(headers) == len(set(headers)), t.name
        # the platforms' headers name one column each and none is a contract header of another column
        platform = {header_key(h): col for col, hs in PLATFORM_ALIASES.get(t.name, {}).items() for h in hs}
        assert len(platform) == sum(len(hs) for hs in PLATFORM_ALIASES.get(t.name, {}).values()), t.name
        own = {header_key(h): c.name for c in t.columns for h in (c.name, c.zh, *c.aliases)}
        assert all(own.get(k, col) == col for k, col in platform.items()), t.name


def test_kinds_and_enums():
    bids = TABLES["bids"]
    assert bids.column("price").kind == "money"
    assert bids.column("rank").kind == "integer"
    assert bids.column("status").enum == {"valid": "有效", "disqualified": "否决/废标", "withdrawn": "撤回"}
    assert TABLES["tenders"].column("docs_from").zh == "招标文件发售起始日期"
    assert TABLES["tenders"].column("docs_until").zh == "招标文件发售截止日期"
    for t in TABLES.values():
        for c in t.columns:
            assert (c.enum is not None) == (c.kind == "enum"), (t.name, c.name)


def test_columns_are_hashable_values():
    c = TABLES["bids"].column("status")
    assert hash(c) == hash(TABLES["bids"].column("status"))
