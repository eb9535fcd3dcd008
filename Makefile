# Build, test and retrain the article "Understanding Transformer Attention".
#
#   make build   install what the build needs into .venv/ and node_modules/, write site/
#   make test    also install TensorFlow, the test tools, Chromium and Java; run every test
#   make model   retrain the Keras model and re-export model/web/
#   make serve   build, serve site/ on http://127.0.0.1:8000/, rebuild on changes
#   make bench   build, then time the live demo in Chromium; writes docs/benchmarks.md

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
NODE_DEPS := node_modules/.package-lock.json
PORT ?= 8000

.PHONY: build test lint model serve bench system-deps clean

# BUILD_FLAGS passes options to build.py, e.g. BUILD_FLAGS="--base-path /REPO/".
build: $(VENV)/.build-deps $(NODE_DEPS)
	$(PY) build.py $(BUILD_FLAGS)

test: lint $(NODE_DEPS) system-deps
	$(PY) -m pytest
	node --test tests/js/

lint: $(VENV)/.test-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

model: $(VENV)/.model-deps
	$(PY) -m model.train

bench: build $(VENV)/.test-deps system-deps
	$(PY) benchmarks/run.py

serve: $(VENV)/.build-deps $(NODE_DEPS)
	$(PY) serve.py --port $(PORT)

$(VENV)/.build-deps: requirements/build.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements/build.txt
	touch $@

$(VENV)/.model-deps: requirements/model.txt $(VENV)/.build-deps
	$(PIP) -r requirements/model.txt
	touch $@

$(VENV)/.test-deps: requirements/test.txt $(VENV)/.model-deps
	$(PIP) -r requirements/test.txt
	touch $@

$(NODE_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The browser tests drive Debian's Chromium through Playwright, because
# Playwright's own browser download cannot run without internet access. The
# Nu HTML Checker (vnu.jar, from npm) needs a Java runtime.
system-deps:
	@missing=""; \
	if [ -z "$$CHROMIUM" ] && ! command -v chromium >/dev/null 2>&1; then missing="chromium"; fi; \
	if ! command -v java >/dev/null 2>&1; then missing="$$missing default-jre-headless"; fi; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	else \
	  echo "Missing Debian packages:$$missing. Install them (or set CHROMIUM to a Chromium binary) and rerun." >&2; \
	  exit 1; \
	fi

clean:
	rm -rf site .pytest_cache
