# sklspec developer commands. Only Python 3.10+ and pip are needed.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
# constraints.txt pins torch to the CPU wheel (2.13.0); the package itself
# accepts any torch >= 2.2.
CONSTRAINTS := -c constraints.txt
STAMP  := $(VENV)/.sklspec-installed

.PHONY: demo test lint format docs docs-clean install clean bench install-check

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet $(CONSTRAINTS) "torch==2.13.0"
	$(PIP) install --quiet $(CONSTRAINTS) -e ".[dev,rocket,cubist,plot,docs]"
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/sklspec demo --output sklspec-demo

lint: $(STAMP)
	$(VENV)/bin/ruff check sklspec tests benchmarks docs examples
	$(VENV)/bin/ruff format --check sklspec tests benchmarks docs examples

format: $(STAMP)
	$(VENV)/bin/ruff format sklspec tests benchmarks docs examples
	$(VENV)/bin/ruff check --fix sklspec tests benchmarks docs examples

test: lint
	$(PY) -m pytest -q --durations=15 --doctest-modules sklspec tests

# The gallery (examples/) runs at build time on the data of SKLSPEC_DATA;
# unchanged examples are not rerun (docs-clean forces a full run).
docs: $(STAMP)
	$(VENV)/bin/sphinx-build -W --keep-going -b html docs docs/_build/html

docs-clean:
	rm -rf docs/_build docs/auto_examples docs/api/generated docs/benchmarks_results docs/sg_execution_times.rst

bench: $(STAMP)
	$(PY) benchmarks/transform_recog.py
	$(PY) benchmarks/mae.py
	$(PY) benchmarks/vae_converter.py
	$(PY) benchmarks/trust.py
	$(PY) benchmarks/defaults.py
	$(PY) benchmarks/prior.py
	$(PY) benchmarks/threads.py
	$(PY) benchmarks/pretrained.py evaluate
	$(PY) benchmarks/bad_input.py
	$(PY) benchmarks/speed.py

# pip install . into a fresh venv, then load the shipped encoder with the
# network cut off (unshare -rn where the kernel allows it)
CHECK_VENV ?= /tmp/sklspec-install-check
install-check:
	rm -rf $(CHECK_VENV) && $(PYTHON) -m venv $(CHECK_VENV)
	$(CHECK_VENV)/bin/pip install --quiet $(CONSTRAINTS) "torch==2.13.0"
	$(CHECK_VENV)/bin/pip install --quiet $(CONSTRAINTS) .
	cd /tmp && $$(unshare -rn true 2>/dev/null && echo "unshare -rn") \
		$(CHECK_VENV)/bin/python -c "import numpy as np; \
		from sklspec.pretrained import load_pretrained; \
		enc = load_pretrained('sklspec-base'); \
		X = np.random.default_rng(0).normal(size=(5, 700)).cumsum(axis=1); \
		print('offline load OK:', type(enc).__name__, enc.transform(X).shape, \
		enc.transform(X[:, ::3]).shape)"

clean:
	rm -rf $(VENV) docs/_build docs/auto_examples sklspec-demo .pytest_cache .ruff_cache
