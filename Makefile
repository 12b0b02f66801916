# The two commands of the README: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: run test venv system-check migrate demo messages lint bench clean

run: venv system-check
	@mkdir -p var/celery var/media
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_data
	$(BIN)/python manage.py run_portal

test: venv system-check
	$(BIN)/python -m pytest $(PYTEST_ARGS)

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	@touch $(STAMP)

# WeasyPrint needs Pango from the system; say which package is missing instead of failing later.
system-check: venv
	@$(BIN)/python -c 'import weasyprint' 2>/dev/null || { \
		echo "WeasyPrint cannot load its system libraries (Pango, HarfBuzz, fontconfig)."; \
		echo "On Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"; \
		echo "On macOS: brew install pango"; \
		exit 1; }
	@command -v msgfmt >/dev/null || test -f locale/en/LC_MESSAGES/django.mo || { \
		echo "Compiled translations are missing and gettext is not installed: sudo apt-get install gettext"; exit 1; }

messages: venv
	$(BIN)/python manage.py makemessages --locale en --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --locale en --ignore '.venv/*'

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles var db.sqlite3 .pytest_cache

# The benchmark: a database of its own, gunicorn under wrk, results in bench/results.md (see bench/run.py).
bench: venv system-check
	@command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/run.py
