# `make test` installs everything the tests need on a bare Debian machine, then runs them.
# `.ci/run` calls exactly this.
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip

.PHONY: test test-fast install-test deps-system deps-node deps-neo4j demo

# Workers (pytest-xdist processes; 0: one process). A test module runs whole in one worker (its
# fixtures set up once); a worker that reaches a Neo4j test starts its own server.
# `make test` runs in two (pytest-xdist's order: the modules with most tests first).
TEST_WORKERS ?= 2
FAST_WORKERS ?= 2
PYTEST := $(PYTHON) -m pytest -q -ra --dist loadfile

test: install-test deps-neo4j
	$(PYTEST) -n $(TEST_WORKERS)

# The lane to run while working (after one `make test` has installed everything): no browser,
# no Neo4j, nothing marked slow, in two processes. CI runs `make test`, never this.
test-fast:
	$(PYTEST) -n $(FAST_WORKERS) -m "not neo4j and not browser and not slow"

install-test: deps-system deps-node
	$(PIP) install -q -e '.[test]'

# Chromium for the browser tests and CJK fonts so Chinese text renders (root: apt-get).
deps-system:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "CJK"; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "chromium / fonts-noto-cjk missing: sudo apt-get install -y chromium fonts-noto-cjk"; fi; \
	fi

# The Neo4j 5 LTS Community server the tests start (tools/neo4j-server: neo4j-harness from
# Maven Central, cached in ~/.m2; rebuilt only when its pom or source changes). Java 17 and
# Maven come from Debian when missing (root); without them the Neo4j tests skip locally
# and FAIL in CI (CI=true).
NEO4J_SERVER := tools/neo4j-server
NEO4J_JAR := $(NEO4J_SERVER)/target/orgnet-neo4j-server-1.jar

deps-neo4j:
	@if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jdk-headless maven >/dev/null; \
	  else echo "java / mvn missing (the Neo4j tests will skip): sudo apt-get install -y default-jdk-headless maven"; fi; \
	fi
	@if command -v mvn >/dev/null 2>&1; then $(MAKE) --no-print-directory $(NEO4J_JAR); fi

$(NEO4J_JAR): $(NEO4J_SERVER)/pom.xml $(NEO4J_SERVER)/src/main/java/orgnet/Neo4jTestServer.java
	cd $(NEO4J_SERVER) && (mvn -q -B -Dstyle.color=never -o package 2>/dev/null || mvn -q -B -Dstyle.color=never package)
	@touch $@

# Neo4j's own Cypher linter, pinned in package-lock.json.
deps-node:
	npm ci --silent --no-audit --no-fund

demo:
	$(PIP) install -q -e . && orgnet demo
