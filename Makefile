# The two commands of the README: `make run` (serve the demo on the embedded default) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test test-backends install browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# The demo: SQLite under instance/, the in-process redis stand-in, jobs inline, and the local WeChat
# stand-in (fake API + /simulator) serving as WeChat's API.
run: export EMSS_DEV ?= 1
run: export PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
run: export WECHAT_API_BASE ?= http://127.0.0.1:$(PORT)/fake-wechat/
run: export WECHAT_OPEN_BASE ?= http://127.0.0.1:$(PORT)/fake-wechat/open/
run: install
	$(BIN)/emss db upgrade
	$(BIN)/emss demo
	@echo "打开 http://127.0.0.1:$(PORT)/simulator 体验微信端（Ctrl-C 停止）"
	$(BIN)/emss serve --port $(PORT)

# browser tests drive Debian's Chromium through Playwright; a CJK font makes pages and watermarks legible
browser:
	@command -v chromium >/dev/null 2>&1 || { echo "installing Debian's chromium (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

# PYTEST_ARGS="-n 2" spreads the run over two processes (pytest-xdist; each its own database and Redis DB)
test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The suites whose outcome can depend on the backends (the database, Redis, jobs queued or inline): .ci/run runs
# them a second time on the embedded default. Unit tests touch neither backend and browser tests check pages that
# read the same on both: `make test` runs them once.
BACKEND_SUITES := tests/integration tests/e2e tests/security -m "not browser"

test-backends: install
	$(BIN)/python -m pytest $(BACKEND_SUITES) $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance *.egg-info
