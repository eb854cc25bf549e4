# `make test` installs everything the tests need on a bare Debian machine, then runs them.
# `.ci/run` calls exactly this.
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip

.PHONY: test install-test deps-system deps-node demo

test: install-test
	$(PYTHON) -m pytest -q -ra

install-test: deps-system deps-node
	$(PIP) install -q -e '.[test]'

# Chromium for the browser tests and CJK fonts so Chinese text renders (root: apt-get).
deps-system:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "CJK"; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "chromium / fonts-noto-cjk missing: sudo apt-get install -y chromium fonts-noto-cjk"; fi; \
	fi

# Neo4j's own Cypher linter, pinned in package-lock.json.
deps-node:
	npm ci --silent --no-audit --no-fund

demo:
	$(PIP) install -q -e . && orgnet demo
