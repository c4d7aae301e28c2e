"""The engine boundary (issue 14 item 4): backends register themselves, ``engine/`` has no import
circle and imports no private names, the Spark loader runs the contract's own rules (transpiled, not
a copy), the web reads datasets only through the engine, and ``bidwatch check`` does not load the
engine to tell a URL from a path."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import bidwatch
from bidwatch.contract import load_dataset
from bidwatch.contract.schema import TABLES
from bidwatch.contract.validate import row_checks
from bidwatch.engine import DuckDBEngine, EngineError, backends, connect, reads
from bidwatch.engine import base as engine_base
from bidwatch.engine import spark_load
from bidwatch.engine.base import transpile

SRC = Path(bidwatch.__file__).parent
ENGINE = SRC / "engine"
WEB = SRC / "web"


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, imported names) of every import in the file, function-level ones included, with
    relative imports resolved."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            out.append((module, [alias.name for alias in node.names]))
    return out


def _engine_graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in ENGINE.glob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for module, names in _imports(path):
            targets = {module} | {f"{module}.{n}" for n in names}
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def test_engine_modules_import_one_another_without_a_circle() -> None:
    graph = _engine_graph()
    assert "bidwatch.engine.base" in graph and "bidwatch.engine.spark" in graph
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            pytest.fail("import circle in engine/: " + " -> ".join([*path[path.index(node):], node]))
        if node in done:
            return
        for nxt in sorted(graph[node]):
            visit(nxt, [*path, node])
        done.add(node)

    for node in sorted(graph):
        visit(node, [])
    # the protocol and the registry know no backend; backends know the registry
    assert graph["bidwatch.engine.base"] == set()
    assert "bidwatch.engine.base" in graph["bidwatch.engine.duck"]
    assert "bidwatch.engine.base" in graph["bidwatch.engine.spark"]


def test_engine_imports_no_private_names() -> None:
    private = [(p.name, module, n) for p in ENGINE.glob("*.py") for module, names in _imports(p)
               if module.startswith("bidwatch") for n in names if n.startswith("_")]
    assert private == []


def test_backends_are_found_through_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    assert {"duckdb", "spark"} <= set(backends())
    assert "DuckDBEngine" not in ENGINE.joinpath("base.py").read_text(encoding="utf-8")
    assert "SparkEngine" not in ENGINE.joinpath("base.py").read_text(encoding="utf-8")

    class Fake:
        kind = "fake"

        def __init__(self, dataset: object, **options: object) -> None:
            self.dataset, self.options = dataset, options

    monkeypatch.setitem(engine_base._BACKENDS, "fake", Fake)  # noqa: SLF001 - undone after the test
    eng = connect("a dataset", "fake", master="x")
    assert isinstance(eng, Fake) and eng.dataset == "a dataset" and eng.options == {"master": "x"}
    with pytest.raises(EngineError, match="duckdb, spark"):
        connect("a dataset", "oracle")


def test_the_default_backend_comes_from_the_registry(tmp_path: Path) -> None:
    ds = load_dataset(_small_dataset(tmp_path))
    eng = connect(ds)
    assert isinstance(eng, DuckDBEngine) and eng.kind == "duckdb"
    assert eng.columns("bids")[:3] == ["bid_id", "tender_id", "company_id"]
    assert eng.columns("no_such_table") == []
    assert list(eng.iter_rows("SELECT bid_id FROM bids ORDER BY bid_id", batch=1)) == [("B1",), ("B2",), ("B3",)]


# ---------------------------------------------------------------- the contract checks, written once


@pytest.mark.parametrize("table", sorted(TABLES))
def test_the_spark_loader_runs_the_contracts_rules_transpiled(table: str) -> None:
    src = spark_load._Source(TABLES[table], "x", "csv",  # noqa: SLF001 - the loader's own source type
                             positions={c.name: c.name for c in TABLES[table].columns})
    ours = row_checks(src, relation=lambda name: f"__bw_staged_{name}")
    theirs = spark_load._checks(src)  # noqa: SLF001
    assert [(c.table, c.column, c.expected) for c in theirs] == [(c.table, c.column, c.expected) for c in ours]
    assert [c.sql for c in theirs] == [transpile(c.sql, "spark") for c in ours]
    for check in theirs:  # DuckDB-only functions that SQLGlot would pass through unchanged
        for word in ("REGEXP_FULL_MATCH", "REGEXP_MATCHES", "STRPOS", "VARCHAR"):
            assert word not in check.sql.upper(), (check.column, check.sql)


def test_spark_load_has_no_rule_of_its_own() -> None:
    """It takes the rules from the contract, not their messages to rebuild them by hand."""
    imported = {n for module, names in _imports(ENGINE / "spark_load.py")
                if module == "bidwatch.contract.validate" for n in names}
    assert imported <= {"Check", "key_checks", "row_checks", "sort_problems"}


# ---------------------------------------------------------------- the web reads through the engine


def _web_files() -> list[Path]:
    return [p for p in WEB.rglob("*.py") if "migrations" not in p.parts]


def test_the_web_has_no_duckdb() -> None:
    offenders = []
    for path in _web_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "duckdb" for a in node.names):
                offenders.append((str(path.relative_to(SRC)), node.lineno, "import duckdb"))
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "duckdb":
                offenders.append((str(path.relative_to(SRC)), node.lineno, "from duckdb"))
            elif isinstance(node, ast.Attribute) and node.attr == "con":
                # ``ds.con``: the dataset's DuckDB connection
                offenders.append((str(path.relative_to(SRC)), node.lineno, ".con"))
    assert offenders == []
    assert not (WEB / "datasets" / "duck.py").exists()


def test_the_web_reaches_the_dataset_through_the_engine_seam() -> None:
    loader = (WEB / "datasets" / "loader.py").read_text(encoding="utf-8")
    assert "engine.dataset_engine(ds)" in loader and "from bidwatch.engine import" in loader


def _small_dataset(tmp_path: Path) -> Path:
    folder = tmp_path / "ds"
    folder.mkdir()
    files = {
        "companies": "company_id,name,phone\nC1,甲公司,13800001111\nC2,乙公司,13800001111\nC3,丙公司,13900002222\n",
        "tenders": "tender_id,title,winner_id\nT1,道路工程,C1\nT2,桥梁工程,C3\n",
        "bids": "bid_id,tender_id,company_id,price,project_manager_id\nB1,T1,C1,100,P1\nB2,T1,C2,101,P1\n"
                "B3,T2,C3,99,P2\n",
        "bonds": "bid_id,payer_account\nB1,6222000011112222\nB2,6222000011112222\nB3,6222000099998888\n",
    }
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def test_reads_of_a_dataset_through_the_engine(tmp_path: Path) -> None:
    eng = connect(load_dataset(_small_dataset(tmp_path)))
    rows = list(reads.iter_table(eng, "bids", ["bid_id", "price", "no_such_column"]))
    assert rows[0] == {"bid_id": "B1", "price": 100.0, "no_such_column": None}
    assert list(reads.iter_table(eng, "experts", ["expert_id"])) == []  # an absent table: no rows
    assert reads.count(eng, "bids") == 3 and reads.count(eng, "experts") == 0
    assert reads.bids_per_tender(eng) == {"T1": 2, "T2": 1}
    assert reads.company_bid_stats(eng) == {"C1": (1, 1), "C2": (1, 0), "C3": (1, 1)}
    links = sorted(reads.bidder_links(eng))
    assert links == [("T1", "C1", "C2", "account", "payer_account", "6222000011112222"),
                     ("T1", "C1", "C2", "person", "project_manager", "P1"),
                     ("T1", "C1", "C2", "phone", "phone", "13800001111")]


# ---------------------------------------------------------------- `bidwatch check` stays light


def test_telling_a_url_from_a_path_loads_no_engine() -> None:
    code = ("import sys; from bidwatch.commands import load; "
            "assert load('hdfs://namenode:8020/data/2026') is None; "
            "heavy = [m for m in ('bidwatch.engine', 'pandas', 'pyspark', 'sqlglot') if m in sys.modules]; "
            "print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(SRC.parent), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert "--engine spark" in done.stderr
    assert spark_load.is_remote("s3a://bucket/ds")  # still importable from the Spark loader
