# The README's two commands: `make run` and `make test`. Everything else is here for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export PORTAL_ENV ?= development

.PHONY: run test install install-test translations translations-extract translations-update htmx clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## Compile every catalogue (core and plugins) so pages are translated.
translations: install
	$(BIN)/pybabel compile -d translations --statistics
	@for d in plugins/*/translations; do [ -d "$$d" ] && $(BIN)/pybabel compile -d "$$d" || true; done

## Collect the core's strings into translations/messages.pot.
translations-extract: install
	$(BIN)/pybabel extract -F translations/babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output \
	  --project Portal -o translations/messages.pot .

## Merge new strings into the ru and en catalogues, the core's and each plugin's (then translate the empty ru entries).
translations-update: translations-extract
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	@for p in plugins/*/; do [ -f "$$p/__init__.py" ] || continue; \
	  $(BIN)/pybabel extract -F translations/plugin-babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output \
	    --project Portal -o "$$p/translations/messages.pot" "$$p" && \
	  for lang in ru en; do \
	    if [ -f "$$p/translations/$$lang/LC_MESSAGES/messages.po" ]; then \
	      $(BIN)/pybabel update -i "$$p/translations/messages.pot" -d "$$p/translations" -l $$lang --no-fuzzy-matching --ignore-obsolete; \
	    else $(BIN)/pybabel init -i "$$p/translations/messages.pot" -d "$$p/translations" -l $$lang; fi; \
	  done; \
	done

## Start the portal with demo data on SQLite (instance/portal.sqlite3).
run: translations
	$(BIN)/portal db upgrade
	$(BIN)/portal demo
	$(BIN)/portal run --host 127.0.0.1 --port $(PORT)

## Run the whole test suite (PostgreSQL too when PORTAL_TEST_DATABASE_URL is set), in TEST_WORKERS
## processes (pytest-xdist; each has its own databases, see tests/conftest.py). TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
test: install-test translations
	PORTAL_ENV=testing $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

## Refresh the vendored htmx from npm (no CDN at run time).
htmx:
	cd /tmp && npm pack htmx.org@2.0.11 >/dev/null && rm -rf /tmp/htmx-pack && mkdir /tmp/htmx-pack \
	  && tar xzf htmx.org-2.0.11.tgz -C /tmp/htmx-pack
	(echo "/* htmx.org 2.0.11, taken from the npm package (npm pack htmx.org@2.0.11, dist/htmx.min.js); served by the portal, no CDN. */"; \
	  cat /tmp/htmx-pack/package/dist/htmx.min.js) > portal/static/htmx.min.js

clean:
	rm -rf $(VENV) instance .pytest_cache
