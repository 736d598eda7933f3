# The two commands a new developer needs: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
VENV_PY := $(VENV)/bin/python
PORT ?= 8000

# The first Python >= 3.12 on this machine: on PATH, or one installed by pyenv.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null) python3 python; do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	  && { command -v $$p; break; }; done)

.PHONY: run dev test lint bench install lock stack stack-stop backup restore check-python clean

check-python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "No Python 3.12 or newer found. Install Python 3.12+ (e.g. 'apt-get install python3.12' or" >&2; \
	  echo "'pyenv install 3.12'), or name one with 'make PYTHON=/path/to/python3.12 ...'." >&2; \
	  exit 1; \
	fi

# Exactly the versions in the lock file, each checked against its hash; then the portal itself.
# requirements.lock is what production installs, requirements-dev.lock adds the tools for tests.
$(VENV)/.installed: pyproject.toml requirements-dev.lock | check-python
	@test -x $(VENV_PY) && $(VENV_PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || $(PYTHON) -m venv --clear $(VENV)
	$(VENV_PY) -m pip install --quiet --no-compile --require-hashes -r requirements-dev.lock
	$(VENV_PY) -m pip install --quiet --no-compile --no-deps -e .
	@touch $@

install: $(VENV)/.installed

# After a change to the dependencies in pyproject.toml: the lock files again (uv, from PyPI).
lock:
	uvx --from 'uv>=0.9' uv pip compile pyproject.toml --generate-hashes --python-version 3.12 --universal -o requirements.lock
	uvx --from 'uv>=0.9' uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.12 --universal -o requirements-dev.lock

# A random key for this checkout, kept out of git; production sets SECRET_KEY instead.
.secret-key:
	@umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

run: install .secret-key
	$(VENV_PY) manage.py migrate --noinput
	$(VENV_PY) manage.py load_catalogue --if-empty
	$(VENV_PY) manage.py collectstatic --noinput --verbosity 0
	@admin_url=$${ADMIN_URL:-admin}; admin_url=$${admin_url#/}; admin_url=$${admin_url%/}; \
	  echo "Första inloggningen: skapa en redaktör med '$(VENV_PY) manage.py create_editor <namn>'," \
	       "en administratör med '$(VENV_PY) manage.py createsuperuser'."; \
	  echo "Logga sedan in på http://127.0.0.1:$(PORT)/$$admin_url/"
	@echo "Serving on http://127.0.0.1:$(PORT)/"
	SECURE_COOKIES=$${SECURE_COOKIES:-0} PORT=$(PORT) exec $(VENV)/bin/gunicorn portal.wsgi --config gunicorn.conf.py

dev: install .secret-key
	$(VENV_PY) manage.py migrate --noinput
	$(VENV_PY) manage.py load_catalogue --if-empty
	DEBUG=1 SECURE_COOKIES=0 $(VENV_PY) manage.py runserver 127.0.0.1:$(PORT)

test: install .secret-key
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# What each public page costs as served by gunicorn under wrk, against a bare Django view,
# on the shipped catalogue, 10,000 and 100,000 projects (bench/README.md). Options go in
# BENCH_ARGS, e.g. make bench BENCH_ARGS="--sizes 10000 --duration 20".
bench: install
	$(VENV_PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .coverage

# The reference deployment on this machine (deploy/stack, README "Deploying"): nginx on
# http://127.0.0.1:8088 in front of two app servers, Redis, PostgreSQL primary and replica.
stack: install
	deploy/stack start

stack-stop:
	deploy/stack stop

# A backup of the PostgreSQL database and the uploaded files, with a manifest of checksums, in
# backups/ (BACKUP_DIR); and its way back into an empty database: make restore FILE=backups/....tar
backup: install .secret-key
	$(VENV_PY) manage.py backup --output $${BACKUP_DIR:-backups}

restore: install .secret-key
	@test -n "$(FILE)" || { echo "Name the backup: make restore FILE=backups/portal-....tar" >&2; exit 2; }
	$(VENV_PY) manage.py restore "$(FILE)"
