# OrderHub: the two commands a newcomer needs are `make run` and `make test`.
PY      := .venv/bin/python
PIP     := .venv/bin/pip
PORT    ?= 8501
DATA    ?= data
export ORDERHUB_DATA ?= $(DATA)
# The console's listening address: this machine only unless overridden (docs/security.md).
export ORDERHUB_BIND ?= 127.0.0.1

# The suite runs on two workers (pytest-xdist), a test file per worker so module fixtures are built once;
# `make test PYTEST_PARALLEL=` runs it in one process.
PYTEST_PARALLEL ?= -n 2 --dist loadfile

.PHONY: install install-dev system-deps run console demo test lint unit bench bench-peers screenshots clean-lake

# The venv is rebuilt only when a requirements file changes (the stamp records the last install).
.venv/.installed: requirements.txt
	python3 -m venv .venv
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

.venv/.installed-dev: .venv/.installed requirements-dev.txt requirements-scale.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: .venv/.installed
install-dev: .venv/.installed-dev

# Debian's Chromium drives the browser tests and renders the e-mail charts (never downloaded at run time);
# Debian's OpenJDK 17 runs Spark for the two-engine KPI tests (docs/scale.md).
system-deps:
	@bash scripts/system-deps.sh --with-java

$(DATA)/lake/orders:
	$(PY) -m ingest demo --days 90

demo: install
	$(PY) -m ingest demo --days 90 --force

run: install $(DATA)/lake/orders
	-@bash scripts/system-deps.sh || echo "(without chromium the e-mail charts cannot render; the console runs)"
	$(PY) -m models.auth ensure-demo-admin
	@bash scripts/run.sh $(PORT)

console: install
	$(PY) -m streamlit run console.py --server.port $(PORT) --server.address $(ORDERHUB_BIND) --server.headless true

lint: install-dev
	.venv/bin/ruff check .

test: install-dev system-deps
	.venv/bin/ruff check .
	$(PY) -m pytest $(PYTEST_PARALLEL) --durations=30

unit: install-dev
	$(PY) -m pytest -m "not browser" $(PYTEST_PARALLEL)

# PM4Py (AGPL) is a benchmark-only peer: its own venv, which sees the project venv's packages through a
# .pth file; never in requirements*.txt. `make bench` measures at 1 M orders; BENCH_ARGS for other scales.
bench/.venv-peers/.installed: bench/requirements-peers.txt .venv/.installed
	python3 -m venv bench/.venv-peers
	$(PY) -c "import site; print(site.getsitepackages()[0])" > \
		$$(bench/.venv-peers/bin/python -c "import site; print(site.getsitepackages()[0])")/project-venv.pth
	bench/.venv-peers/bin/pip install --quiet -r bench/requirements-peers.txt
	touch $@

bench-peers: bench/.venv-peers/.installed

bench: install-dev bench-peers
	$(PY) -m bench $(BENCH_ARGS)


screenshots: install-dev system-deps
	$(PY) -m pytest tests/browser -k screenshots --screenshots-to docs/screenshots

clean-lake:
	rm -rf $(DATA)/lake
