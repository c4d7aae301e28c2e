# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEMO_DIR ?= demo-out
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/bidwatch

.PHONY: demo scan-demo test install services bench bench-web clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,spark]'
	rm -f $(VENV)/.installed-*
	touch $@

# PostgreSQL, Debian's Chromium and CJK fonts, front-end libraries (npm ci): idempotent
services:
	bash scripts/ci-services.sh

# The demo: synthetic dataset → scan → report, then the web platform on http://127.0.0.1:8000
demo: install services scan-demo
	$(VENV)/bin/bidwatch web demo --dir $(DEMO_DIR)

scan-demo: install
	test -f $(DEMO_DIR)/dataset/bids.csv || $(VENV)/bin/bidwatch synth $(DEMO_DIR)/dataset --tenders 400 --seed 7
	$(VENV)/bin/bidwatch scan $(DEMO_DIR)/dataset --out $(DEMO_DIR)/scan
	$(VENV)/bin/bidwatch evaluate $(DEMO_DIR)/dataset
	@echo "报告 / report: $(DEMO_DIR)/scan/report.html"

test: install services
	$(PY) -m pytest -n 2 -q
	DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -n 2 -q tests/web

bench: install
	$(PY) bench/scan_bench.py

# Web pages on the demo data (real scan; SQLite and PostgreSQL; target 300 ms), then on 1M bids (1 s)
bench-web: install services
	test -f $(DEMO_DIR)/dataset/bids.csv || $(VENV)/bin/bidwatch synth $(DEMO_DIR)/dataset --tenders 400 --seed 7
	$(PY) bench/web_bench.py --dataset $(DEMO_DIR)/dataset --out bench/out/web_bench_demo_sqlite.json
	$(PY) bench/web_bench.py --dataset $(DEMO_DIR)/dataset --database-url postgres://postgres@127.0.0.1:5432/bidwatch_bench_demo \
		--out bench/out/web_bench_demo_pg.json
	$(PY) bench/web_bench.py --database-url postgres://postgres@127.0.0.1:5432/bidwatch_bench --bids 1000000

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache
