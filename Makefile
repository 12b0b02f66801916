# The two commands of the README: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: run test venv system-check migrate demo messages lint bench clean mutants look

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

# The look suite (tests/browser/test_look.py): every page as each role at 320 and 1280 px, checked
# and photographed. The screenshots stay in $(LOOK_DIR) to page through, whatever the outcome.
LOOK_DIR ?= $(CURDIR)/var/look
look: venv system-check
	@ANPP_LOOK_DIR=$(LOOK_DIR) $(BIN)/python -m pytest -p no:cacheprovider tests/browser/test_look.py $(PYTEST_ARGS); \
		status=$$?; echo "Screenshots of the look suite: $(LOOK_DIR)"; exit $$status

messages: venv
	$(BIN)/python manage.py makemessages --locale en --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'mutants/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --locale en --ignore '.venv/*'

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles var db.sqlite3 .pytest_cache mutants

# The benchmark: a database of its own, gunicorn under wrk, results in bench/results.md (see bench/run.py).
bench: venv system-check
	@command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/run.py

# Mutation testing (tests/MUTANTS.md): mutmut breaks one rule at a time in the functions that hold
# the invariants and runs the tests that cover it; a mutant no test kills is a rule no test guards.
# Never part of CI or `make test`. Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL: a database
# and a Redis db of its own, the tests flush them). Slow: MUTANTS_BUDGET seconds at most (about
# 30 min on a quiet 2-core machine). Results are kept in mutants/ (git-ignored), but mutmut runs
# again every mutant MUTANTS names: to finish a stopped run or check survivors, name only those, e.g.
#   make mutants MUTANTS='members.selectors.x_territories_with_valid_adhesion__mutmut_*'
#   make mutants MUTANTS='anpp_portal.outbox.x__claim__mutmut_3 anpp_portal.outbox.x__claim__mutmut_5'
# The mutmut names of the functions below: module.x_function__mutmut_N.
MUTANTS_BUDGET ?= 5400
MUTANTS ?= \
	'members.selectors.x_territories_with_valid_adhesion__mutmut_*' \
	'members.selectors.x_user_is_member__mutmut_*' \
	'members.services.reminders.x_*' \
	'members.services.adhesions.x__call_number_take__mutmut_*' \
	'members.services.adhesions.x__locked__mutmut_*' \
	'members.services.adhesions.x_call_issue__mutmut_*' \
	'publications.access.x_*' \
	'events.services.registrations.x_is_member_territory__mutmut_*' \
	'members.permissions.x_*' \
	'anpp_portal.pagecache.x__eligible__mutmut_*' \
	'anpp_portal.pagecache.x__storable__mutmut_*' \
	'anpp_portal.pagecache.x__start_generations__mutmut_*' \
	'anpp_portal.outbox.x__claimable__mutmut_*' \
	'anpp_portal.outbox.x__claim__mutmut_*' \
	'anpp_portal.outbox.x_emails_due__mutmut_*' \
	'events.services.registrations.x_lock_event__mutmut_*' \
	'events.services.registrations.x__confirmed_count__mutmut_*' \
	'events.services.registrations.x__promote_waiting__mutmut_*' \
	'events.services.registrations.x_registration_create__mutmut_*' \
	'events.services.registrations.x__to_waiting_list__mutmut_*' \
	'events.services.registrations.x?Seats?__init____mutmut_*' \
	'anpp_portal.pagecache.x_content_changed__mutmut_*' \
	'anpp_portal.pagecache.x_invalidations_once__mutmut_*' \
	'events.selectors.x_events_with_reminders_due__mutmut_*' \
	$(MUTANTS_ROUND2)

# Round 2 (issue 28): the modules issues 23–29 changed (tests/MUTANTS.md, "Round 2 mutation run").
# Methods are named module.xǁClassǁmethod__mutmut_N; `?` matches the ǁ in a pattern.
MUTANTS_ROUND2 ?= \
	'anpp_portal.staffpolicy.x_is_staff_account__mutmut_*' \
	'anpp_portal.staffpolicy.x_has_totp__mutmut_*' \
	'anpp_portal.staffpolicy.x_mfa_overdue__mutmut_*' \
	'anpp_portal.staffpolicy.x_acts_as_staff__mutmut_*' \
	'anpp_portal.staffpolicy.x_staff_permission_required__mutmut_*' \
	'anpp_portal.staffpolicy.x?StaffMfaMiddleware?process_view__mutmut_*' \
	'anpp_portal.ratelimit.x_parse_rates__mutmut_*' \
	'anpp_portal.ratelimit.x_client_ip__mutmut_*' \
	'anpp_portal.ratelimit.x_consume__mutmut_*' \
	'billing.selectors.x_with_balance__mutmut_*' \
	'billing.selectors.x_document_balance__mutmut_*' \
	'billing.selectors.x_territory_balance__mutmut_*' \
	'billing.selectors.x__visible_q__mutmut_*' \
	'billing.selectors.x_invoice_for__mutmut_*' \
	'billing.selectors.x_ledger_year__mutmut_*' \
	'billing.services.x__require_staff__mutmut_*' \
	'billing.services.x_number_year__mutmut_*' \
	'billing.services.x__next_number__mutmut_*' \
	'billing.services.x_kept_number_check__mutmut_*' \
	'billing.services.x__credited__mutmut_*' \
	'billing.services.x_credit_note_issue__mutmut_*' \
	'billing.services.x__check_payment__mutmut_*' \
	'billing.services.x_payment_add__mutmut_*' \
	'billing.services.x_invoice_payment_record__mutmut_*' \
	'resources.access.x_*' \
	'resources.selectors.x_note_for_reader__mutmut_*' \
	'resources.selectors.x_attachment_for_reader__mutmut_*' \
	'resources.selectors.x_feed_notes__mutmut_*' \
	'resources.selectors.x_qa_entries__mutmut_*' \
	'resources.selectors.x_qa_entry_for_reader__mutmut_*' \
	'resources.services.x_note_publish__mutmut_*' \
	'resources.services.x_note_announce__mutmut_*' \
	'legal.access.x_*' \
	'legal.selectors.x_questions_of__mutmut_*' \
	'legal.selectors.x_question_for__mutmut_*' \
	'legal.selectors.x_attachment_for__mutmut_*' \
	'legal.services.x_message_add__mutmut_*' \
	'legal.services.x__recipients__mutmut_*' \
	'legal.services.x__tell_territory__mutmut_*' \
	'legal.services.x_question_publish__mutmut_*' \
	'members.selectors.x_survey_audience__mutmut_*' \
	'members.selectors.x_surveys_open_for_territory__mutmut_*' \
	'members.services.surveys.x_survey_response_open__mutmut_*' \
	'members.services.surveys.x__prefill__mutmut_*' \
	'members.services.surveys.x__late__mutmut_*' \
	'members.services.surveys.x_survey_reminders_send__mutmut_*' \
	'members.services.surveys.x_survey_remind_late__mutmut_*' \
	'members.services.surveys.x_survey_open_now__mutmut_*' \
	'members.services.fiches.x_fiche_save_section__mutmut_*' \
	'members.services.fiches.x_fiche_submit__mutmut_*' \
	'members.survey_results.x_completion__mutmut_*' \
	'members.survey_results.x_is_submitted__mutmut_*' \
	'members.survey_results.x_export_rows__mutmut_*' \
	'members.survey_results.x_export_headers__mutmut_*' \
	'members.survey_results.x_campaign_completion__mutmut_*'

# mutmut runs the tests from a copy of the project in mutants/: an app of INSTALLED_APPS left out of
# [tool.mutmut] source_paths/also_copy would fail the stats run with "No module named ...".
export MUTANTS_APPS_CHECK
define MUTANTS_APPS_CHECK
import ast, pathlib, tomllib
conf = tomllib.loads(pathlib.Path("pyproject.toml").read_text())["tool"]["mutmut"]
copied = set(conf["source_paths"]) | set(conf.get("also_copy", []))
tree = ast.parse(pathlib.Path("anpp_portal/settings.py").read_text())
apps = next(n.value for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "INSTALLED_APPS")
local = {e.value.split(".")[0] for e in apps.elts if pathlib.Path(e.value.split(".")[0]).is_dir()}
missing = sorted(local - copied)
if missing:
    raise SystemExit("[tool.mutmut] source_paths lacks the apps " + ", ".join(missing) + " of INSTALLED_APPS")
endef

mutants: venv system-check
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make mutants needs DATABASE_URL=postgres://... (a database of its own)"; exit 1;; esac
	@test -n "$$REDIS_URL" || { echo "make mutants needs REDIS_URL=redis://... (a Redis db of its own)"; exit 1; }
	@$(BIN)/python -c "$$MUTANTS_APPS_CHECK"
	ANPP_REQUIRE_SERVICES=1 timeout $(MUTANTS_BUDGET) $(BIN)/mutmut run --max-children 1 $(MUTANTS) \
		|| echo "mutmut stopped (status $$?): time budget spent or a run failed; the results so far follow"
	$(BIN)/mutmut results
