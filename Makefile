# `make run` and `make test` work on a fresh machine with only Python >= 3.11.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8080

.PHONY: run dev test test-fast lint lock fuzz bench stress routes clean browser nginx wrk bench-fleet

# every transitive version comes from the lock files (`make lock` rewrites them from pyproject.toml)
$(VENV)/.stamp-run: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

$(VENV)/.stamp-dev: pyproject.toml requirements-dev.lock $(VENV)/.stamp-run
	$(BIN)/python -m pip install -q -r requirements-dev.lock
	touch $@

lock: $(VENV)/.stamp-dev
	$(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --extra dev \
		-o requirements-dev.lock pyproject.toml

run: $(VENV)/.stamp-run
	$(BIN)/mockserver serve --host $(HOST) --port $(PORT)

dev: $(VENV)/.stamp-run
	$(BIN)/mockserver serve --dev --host $(HOST) --port $(PORT)

routes: $(VENV)/.stamp-run
	$(BIN)/mockserver routes

# the console's browser tests drive Debian's chromium through its chromedriver: installed when missing (as root,
# as CI runs); where that is impossible the tests fail saying what to install
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } || \
	  echo "make: could not install chromium and chromium-driver; the console's browser tests will fail" >&2

# the three-replica test (tests/core/test_fleet.py) runs Debian's nginx as the current user on loopback:
# installed when missing, as for chromium above
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; } || \
	  echo "make: could not install nginx; the three-replica test (tests/core/test_fleet.py) will fail" >&2

# `make bench` drives the servers with Debian's wrk (else a slower Python load); tests/core/test_bench.py checks
# the load it sends: installed when missing, as for chromium above
wrk:
	@command -v wrk >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
	  echo "make: could not install wrk; tests/core/test_bench.py will fail" >&2

test: $(VENV)/.stamp-dev browser nginx wrk
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# the inner loop: everything but real clients, fuzzing and CLI processes (well under a minute)
test-fast: $(VENV)/.stamp-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -m "not slow" $(PYTEST_ARGS)

lint: $(VENV)/.stamp-dev
	$(BIN)/ruff check .

fuzz: $(VENV)/.stamp-dev
	$(BIN)/python -m tests.contract.fuzz

bench: $(VENV)/.stamp-dev
	$(BIN)/python -m tests.bench

# one process against three replicas behind nginx (deploy/nginx.conf), 50 tenants, wrk: the README's Scaling figures
bench-fleet: $(VENV)/.stamp-dev nginx
	$(BIN)/python -m tests.bench_fleet

# hostile clients against the served process: 5xx, health latency and RSS per scenario (figures, not asserts)
stress: $(VENV)/.stamp-dev
	$(BIN)/python -m tests.stress

clean:
	rm -rf $(VENV) build *.egg-info
