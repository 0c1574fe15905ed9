# Two commands from a fresh clone: `make serve` and `make test`.
# Everything else (virtualenv, pinned packages, chromium for the browser tests) is set up here.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | sha1sum | cut -c1-12)
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: serve test build check clean lint system-deps

# Re-create the virtualenv when it is missing, broken or its requirements changed.
$(STAMP): requirements.txt
	@if ! $(BIN)/python -c "" 2>/dev/null; then rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

serve: $(STAMP)
	$(BIN)/invoke livereload

build: $(STAMP)
	$(BIN)/invoke build

check: $(STAMP)
	$(BIN)/invoke check

# What the tests need and a fresh Debian machine may lack: chromium (browser tests), a Java
# runtime (Nu HTML Checker), node/npm (axe-core and vnu-jar, pinned by package-lock.json).
APT_PACKAGES := $(if $(shell command -v chromium),,chromium fonts-liberation fonts-dejavu-core) \
	$(if $(shell command -v java),,default-jre-headless) \
	$(if $(shell command -v npm),,nodejs npm)

system-deps:
	@if [ -n "$(strip $(APT_PACKAGES))" ]; then \
		echo "Installing with apt-get: $(strip $(APT_PACKAGES))"; \
		$(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends $(APT_PACKAGES); \
	fi

# npm packages for the checks; --ignore-scripts: vnu-jar ships its jar, nothing is downloaded.
node_modules/.installed: package-lock.json | system-deps
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) system-deps node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

clean:
	rm -rf output .build-* .pytest_cache
