# Thi đua — the two commands: `make run` (server and job worker) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
TRANSLATIONS := emulation/translations
PO := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test install install-dev compile-translations extract-translations lint bench clean

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

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

compile-translations: $(MO)

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

# After changing user-facing strings: extract them, then translate the new `vi` entries.
extract-translations: install
	$(BIN)/pybabel extract -F emulation/translations/babel.cfg -k _l -k lazy_gettext -o $(TRANSLATIONS)/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

lint: install-dev
	$(BIN)/ruff check --config .ci/ruff.toml .

bench: install-dev compile-translations
	$(BIN)/python bench/budget.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
