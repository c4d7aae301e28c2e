# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEMO_DIR ?= demo-out

.PHONY: demo test install bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,spark]'
	rm -f $(VENV)/.installed-*
	touch $@

demo: install
	$(VENV)/bin/bidwatch synth $(DEMO_DIR)/dataset --tenders 400 --seed 7
	$(VENV)/bin/bidwatch scan $(DEMO_DIR)/dataset --out $(DEMO_DIR)/scan
	$(VENV)/bin/bidwatch evaluate $(DEMO_DIR)/dataset
	@echo "报告 / report: $(DEMO_DIR)/scan/report.html"

test: install
	$(PY) -m pytest -n 2 -q

bench: install
	$(PY) bench/scan_bench.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache
