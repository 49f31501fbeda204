# Thi đua — the two commands: `make run` (server and job worker) and `make test`.
PYTHON ?= $(firstword $(foreach p,python3.11 python3.12 python3.13 python3.14 python3,$(shell command -v $(p))))
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
TRANSLATIONS := emulation/translations
PO := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test install install-dev lock compile-translations extract-translations lint bench clean

run: install compile-translations
	@mkdir -p instance
	THIDUA_ENV=development $(FLASK) db upgrade
	THIDUA_ENV=development $(FLASK) demo
	@echo "Serving on http://127.0.0.1:$(PORT), with the job queue's worker"
	@# One shell: the worker runs beside the server and is stopped when the server stops
	@# (Ctrl-C, or the server failing to start).
	@THIDUA_ENV=development $(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	THIDUA_ENV=development $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install-dev compile-translations
	$(BIN)/python -m pytest -p no:cacheprovider tests $(PYTEST_ARGS)

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The lock files pin every package with its hashes and pip refuses anything else; pip itself
# is in the lock, so the virtualenv ends with the locked pip. The Python check comes before
# the virtualenv is made.
$(VENV)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  2>/dev/null || { echo "Thi đua needs Python 3.11 or newer; PYTHON=$(PYTHON) is" \
	  "$$($(PYTHON) -c 'import platform; print(platform.python_version())' 2>/dev/null \
	  || echo 'not found')." \
	  "Install python3.11 or newer, or run: make PYTHON=/path/to/python3.11 $(MAKECMDGOALS)"; \
	  exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

# After changing requirements*.in: recompile both lock files from PyPI (not this machine's pip
# configuration), for Python 3.11 and newer on any platform, keeping today's pins where the
# ranges allow. The dev lock is held to the app lock's versions. `make lock LOCK_ARGS=--upgrade`
# moves everything to the newest versions the ranges allow.
LOCK := $(BIN)/uv pip compile --quiet --no-config --universal --python-version 3.11 \
	--generate-hashes --index-url https://pypi.org/simple --custom-compile-command "make lock"
lock: install-dev
	$(LOCK) $(LOCK_ARGS) requirements.in -o requirements.txt
	$(LOCK) $(LOCK_ARGS) requirements-dev.in -o requirements-dev.txt

compile-translations: $(MO)

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

# After changing user-facing strings: extract them, then translate the new `vi` entries.
extract-translations: install
	$(BIN)/pybabel extract -F emulation/translations/babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o $(TRANSLATIONS)/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

lint: install-dev
	$(BIN)/ruff check --config .ci/ruff.toml .

bench: install-dev compile-translations
	$(BIN)/python bench/budget.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
