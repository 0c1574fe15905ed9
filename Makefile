# Two commands from a fresh clone: `make serve` and `make test`.
# Everything else (virtualenv, pinned packages, chromium for the browser tests) is set up here.
# requirements.txt: what the site needs (make serve); requirements-dev.txt: that plus the tests.

PYTHON ?= python3
PORT ?= 8000
# pytest-xdist workers: one per core, at most four (each browser worker runs its own chromium).
PYTEST_WORKERS ?= auto --maxprocesses=4
VENV := .venv
BIN := $(VENV)/bin
SITE_STAMP := $(VENV)/.installed-site-$(shell cat requirements.txt | sha1sum | cut -c1-12)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get
PIP_INSTALL := $(BIN)/python -m pip install --disable-pip-version-check -q

# Exits 1 unless the given interpreter is Python 3.11 or newer.
IS_PY311 = $(1) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
# A missing, broken or too old virtualenv forces a fresh one (and a fresh install).
VENV_OK := $(shell $(call IS_PY311,$(BIN)/python) && echo yes)
NEW_VENV := $(if $(VENV_OK),,new-venv)

.PHONY: serve test build check clean lint system-deps new-venv

new-venv:
	@if ! $(call IS_PY311,$(PYTHON)); then \
		found=$$($(PYTHON) --version 2>&1) || found="kein $(PYTHON)"; \
		echo "Python 3.11 oder neuer wird benötigt, gefunden: $$found." >&2; \
		echo "Bitte Python 3.11+ installieren oder angeben, z. B.: make serve PYTHON=python3.12" >&2; \
		exit 1; \
	fi
	rm -rf $(VENV) && $(PYTHON) -m venv $(VENV)

$(SITE_STAMP): requirements.txt $(NEW_VENV)
	$(PIP_INSTALL) -r requirements.txt
	rm -f $(VENV)/.installed-site-* && touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt $(NEW_VENV)
	$(PIP_INSTALL) -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $(SITE_STAMP) $@

serve: $(SITE_STAMP)
	$(BIN)/invoke livereload --port $(PORT)

build: $(SITE_STAMP)
	$(BIN)/invoke build

check: $(SITE_STAMP)
	$(BIN)/invoke check

# What the tests need and a fresh Debian machine may lack: chromium (browser tests), a Java
# runtime (Nu HTML Checker), node/npm (axe-core and vnu-jar, pinned by package-lock.json), nginx
# (the tests of deploy/nginx.conf: the comment intake behind it, the feeds' media types).
APT_PACKAGES := $(if $(shell command -v chromium),,chromium fonts-liberation fonts-dejavu-core) \
	$(if $(shell command -v java),,default-jre-headless) \
	$(if $(shell command -v npm),,nodejs npm) \
	$(if $(wildcard /usr/sbin/nginx),,nginx)

system-deps:
	@if [ -n "$(strip $(APT_PACKAGES))" ]; then \
		echo "Installing with apt-get: $(strip $(APT_PACKAGES))"; \
		$(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends $(APT_PACKAGES); \
	fi

# npm packages for the checks; --ignore-scripts: vnu-jar ships its jar, nothing is downloaded.
node_modules/.installed: package-lock.json | system-deps
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

lint: $(DEV_STAMP)
	$(BIN)/ruff check .

test: $(DEV_STAMP) system-deps node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)

clean:
	rm -rf output output.releases .cache .pytest_cache
