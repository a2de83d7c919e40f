# Two commands matter: `make run` and `make test`. Everything else is what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-cached lint format check-migrations requirements pytest test-another-day assets install system-packages demo bench bench-import bench-dashboard bench-load deploy-check backup restore clean

# What WeasyPrint needs to print reports as PDF (Pango, HarfBuzz's subsetter) and the
# font the print stylesheet names. Installed with apt when run as root and missing.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip check
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/build/app.css: node_modules/.installed $(wildcard static/scss/*.scss)
	npm run --silent build

install: $(BIN)/.installed system-packages

system-packages:
	@if ldconfig -p | grep -q 'libpangoft2-1.0.so.0' && ldconfig -p | grep -q 'libharfbuzz-subset.so.0' \
		&& command -v fc-list >/dev/null && fc-list | grep -q 'DejaVu Sans'; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing what PDF reports need: $(PDF_PACKAGES)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES) >/dev/null; \
	else \
		echo "PDF reports need these system packages; please install them:"; \
		echo "  sudo apt-get install $(PDF_PACKAGES)"; \
	fi
assets: static/build/app.css

# honcho, but waiting up to 30 s (not its fixed 5) after Ctrl-C for the worker to finish its
# tasks before it kills whatever is still running.
HONCHO := $(BIN)/python -c 'import honcho.command, honcho.manager; honcho.manager.KILL_WAIT = 30; honcho.command.main()'

run: install assets
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py seed_demo
	@echo "Serving http://127.0.0.1:$(PORT)/ with a Celery worker and beat. Ctrl-C stops all three."
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(HONCHO) --procfile Procfile.dev start --port $(PORT) \
		|| [ $$? = 130 ]  # 130: stopped by Ctrl-C, the normal end

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# The lock files (requirements*.txt) compiled from the short lists of what we chose
# (requirements*.in) with pip-tools; every version already locked stays as it is.
PIP_COMPILE := $(BIN)/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links
requirements: $(BIN)/.installed
	$(PIP_COMPILE) requirements.in -o requirements.txt
	$(PIP_COMPILE) requirements-dev.in -o requirements-dev.txt
	$(PIP_COMPILE) requirements-bench.in -o requirements-bench.txt

# Test processes (pytest-xdist); 0 runs everything in this one.
PYTEST_PROCESSES ?= 2
pytest: install assets
	$(BIN)/pytest -n $(PYTEST_PROCESSES)

test: lint check-migrations pytest

# The page tests again with the cache on Redis as in production (TEST_REAL_CACHE=1; the suite
# runs with a dummy cache): every URL for every role, the cached pages and what writes to them.
# Needs REDIS_URL.
CACHED_TESTS := tests/test_permissions.py tests/actions/test_plan_view.py tests/actions/kpis/test_kpi_pages.py \
	tests/panel/test_dashboard.py tests/panel/test_young_people.py tests/participation/test_panel_figures.py \
	tests/actions/test_my_actions_view.py tests/panel/test_report_views.py tests/actions/test_add_update_view.py \
	tests/actions/test_milestones_view.py tests/actions/test_action_form_views.py
test-cached: install assets
	TEST_REAL_CACHE=1 $(BIN)/pytest -n $(PYTEST_PROCESSES) $(CACHED_TESTS)

# The suite as if it ran DAYS from now (e.g. DAYS=+15d), to catch a test that passes only on
# some days of the month. Needs libfaketime (apt-get install faketime). Browser tests are left
# out (Chromium runs about ten times slower under it), and so are the three that start a
# redis-server of their own, which libfaketime breaks.
DAYS ?= +15d
test-another-day: install assets
	PYTHONPATH=tests/another_day FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "$(DAYS)" \
		$(BIN)/pytest -n $(PYTEST_PROCESSES) --ignore=tests/browser -m "not own_redis"

# Production-mode settings must pass Django's deployment checks with no findings.
deploy-check: install
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$$(openssl rand -hex 40) DJANGO_ALLOWED_HOSTS=portal.example.org \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

bench: install
	$(BIN)/python bench/run_all.py

# The KPI import against django-import-export.
bench-import: install
	$(BIN)/python bench/import_bench.py

bench-dashboard: install
	$(BIN)/python bench/dashboard_bench.py

# 50 people on gunicorn at 10× data for 2 minutes (bench/load/run.py --help for options,
# passed as BENCH_LOAD_ARGS="--run-time 30s"); needs PostgreSQL in DATABASE_URL and Redis.
bench-load: install assets
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	$(BIN)/python -m pip check
	$(BIN)/python bench/load/run.py $(BENCH_LOAD_ARGS)

# The database (pg_dump, custom format) and the media folder in one dated archive under
# backups/; `make restore ARCHIVE=backups/… DATABASE=new_name` restores into a NEW database
# (docs/operations.md, "Backup and restore").
backup: install
	$(BIN)/python manage.py backup

restore: install
	$(BIN)/python manage.py restore "$(ARCHIVE)" --database "$(DATABASE)"

clean:
	rm -rf $(VENV) node_modules static/build staticfiles .celery .cache
