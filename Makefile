# engage: the two commands a newcomer needs are `make run` and `make test`.
PORT ?= 5000
# Test processes side by side (pytest-xdist); CI has two cores. TEST_WORKERS=0 runs them in one.
TEST_WORKERS ?= 2
VENV := .venv/bin
export PORT

.PHONY: run test setup lock lint format pictures translations-extract translations-update translations-compile bench mutation clean

run: setup
	$(VENV)/engage init
	$(VENV)/engage demo
	$(VENV)/engage serve --host 127.0.0.1 --port $(PORT)

test: setup
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/pytest -q -n $(TEST_WORKERS)

setup:
	@scripts/setup.sh

# Re-pin every Python package (exact versions with hashes) from pyproject.toml, then install the
# result: run it after changing dependencies, and commit requirements/. Pins that still fit are
# kept; `make lock UPGRADE=1` moves every package to its newest allowed version.
LOCK := $(VENV)/uv pip compile --quiet --universal --generate-hashes $(if $(UPGRADE),--upgrade)
lock:
	@scripts/setup.sh --python-only
	$(LOCK) pyproject.toml requirements/build.in -o requirements/runtime.txt
	$(LOCK) --extra dev pyproject.toml requirements/build.in -c requirements/runtime.txt -o requirements/dev.txt
	@scripts/setup.sh

lint: setup
	$(VENV)/ruff check --fix .
	$(VENV)/ruff format .

# Rebuild the committed picture library from OpenMoji (needs npm; make run does not).
pictures: setup
	npm install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error --prefix .stamps/openmoji openmoji@17.0.0
	$(VENV)/python -m media.build_pictures --openmoji .stamps/openmoji/node_modules/openmoji

translations-extract: setup
	mkdir -p translations
	$(VENV)/pybabel extract -F pyproject.toml -k _l --sort-by-file --no-wrap -o translations/messages.pot engage

translations-update: translations-extract
	$(VENV)/pybabel update --no-wrap --no-fuzzy-matching --ignore-obsolete -i translations/messages.pot -d translations

translations-compile: setup
	$(VENV)/pybabel -q compile -d translations

bench: setup
	$(VENV)/python -m benchmarks

# Mutation testing of the exports and the code that builds their records (engage/evidence.py,
# engage/snapshots.py; see docs/evidence.md). Not part of `make test`: a full run takes most of
# an hour. One worker at low priority, with a time limit; MUTANTS picks a part,
# e.g. make mutation MUTANTS='exports.content*' or MUTANTS='engage.evidence*'.
# MUTATION_SAMPLE=N tries a fixed sample of N mutants from each file instead of all of them
# (scripts/mutation_sample.py; the mutants are generated first, with one cheap run).
MUTANTS ?= *
MUTATION_TIMEOUT ?= 3600
MUTATION_SAMPLE ?=
mutation: setup
ifeq ($(MUTATION_SAMPLE),)
	timeout $(MUTATION_TIMEOUT) nice -n 10 $(VENV)/mutmut run --max-children 1 '$(MUTANTS)'
else
	test -d mutants || nice -n 10 $(VENV)/mutmut run --max-children 1 'exports.safety*'
	timeout $(MUTATION_TIMEOUT) nice -n 10 $(VENV)/mutmut run --max-children 1 \
		$$($(VENV)/python scripts/mutation_sample.py $(MUTATION_SAMPLE) '$(MUTANTS)')
endif
	$(VENV)/mutmut results
	$(VENV)/python scripts/mutation_sample.py --report $(MUTATION_SAMPLE)

clean:
	rm -rf .venv node_modules .stamps
