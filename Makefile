# The README's commands. Each sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export FLASK_APP := lms

.PHONY: run test install system-deps translations lint bench-certs clean

run: install system-deps
	$(BIN)/pybabel compile -d lms/translations
	$(BIN)/flask db upgrade
	$(BIN)/flask content import
	$(BIN)/flask demo seed
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: install
	TEST_SYSTEM_DEPS=1 scripts/system-deps.sh
	$(BIN)/pybabel compile -d lms/translations
	scripts/test-all.sh

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

system-deps:
	scripts/system-deps.sh

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --omit-header \
		--sort-output -o lms/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -w 100 -i lms/translations/messages.pot -d lms/translations

lint: install
	$(BIN)/ruff check lms tests bench config.py

clean:
	rm -rf $(VENV) .pytest_cache
