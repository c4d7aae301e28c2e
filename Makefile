# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEMO_DIR ?= demo-out
DEMO_TENDERS ?= 600
DEMO_SEED ?= 7
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/bidwatch

.PHONY: demo scan-demo test install services bench bench-web bench-load clean

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

# A world of 600 tenders with the lawful background of real exports (the issue-11 yardstick): recall,
# high-severity precision, collusion pair recall and the false-alarm rate, also in evaluation.json.
# The dataset is made again when DEMO_TENDERS or DEMO_SEED change (e.g. make scan-demo DEMO_SEED=11).
scan-demo: install
	test -f $(DEMO_DIR)/.synth-$(DEMO_TENDERS)-$(DEMO_SEED) || { rm -rf $(DEMO_DIR)/dataset $(DEMO_DIR)/.synth-* && \
		$(VENV)/bin/bidwatch synth $(DEMO_DIR)/dataset --tenders $(DEMO_TENDERS) --seed $(DEMO_SEED) && \
		touch $(DEMO_DIR)/.synth-$(DEMO_TENDERS)-$(DEMO_SEED); }
	$(VENV)/bin/bidwatch scan $(DEMO_DIR)/dataset --out $(DEMO_DIR)/scan
	$(VENV)/bin/bidwatch evaluate $(DEMO_DIR)/dataset --json $(DEMO_DIR)/evaluation.json
	@echo "报告 / report: $(DEMO_DIR)/scan/report.html"

test: install services
	$(PY) -m pytest -n 2 --dist loadgroup -q --ignore=tests/test_spark_load.py
	# the Spark loader's tests in a process of their own (one Spark JVM beside the xdist workers'). The 8 GB
	# driver they needed was the loader's views carrying their staging plan, fixed 2026-12-06 (docs/spark.md,
	# "Known limits"): they pass with the default 2 GB, also after the parity suite in one JVM; CI gives 4 GB
	# of margin on a machine shared with the other suites
	BIDWATCH_SPARK_DRIVER_MEMORY=4g $(PY) -m pytest -q tests/test_spark_load.py
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

# 50 concurrent users against the production server on 127.0.0.1, 1M bids in PostgreSQL (issue 18)
bench-load: install services
	$(PY) bench/web_load.py --database-url postgres://postgres@127.0.0.1:5432/bidwatch_load --bids 1000000 --build-only
	$(PY) bench/web_load.py --database-url postgres://postgres@127.0.0.1:5432/bidwatch_load --users 50 --seconds 120

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache
