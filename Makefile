# Two commands for a newcomer: `make book` and `make test`.
# Everything installs into ./.venv from the pinned requirements.lock.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JB     := $(BIN)/jupyter-book
HTML   := _build/html
# 'make test-min' tests the installed library in .venv-min, under the lowest
# NumPy that pyproject.toml allows ("numpy>=1.26" gives numpy==1.26, i.e. 1.26.0),
# with the other packages at the lock's versions, except SciPy (needed by
# scikit-learn), whose locked version needs a newer NumPy. It leaves out the
# tests of the book: notebooks, site, lint and JupyterLab.
MIN        := .venv-min
MIN_STAMP  := $(MIN)/.installed
MIN_NUMPY  := $(shell sed -n 's/.*"numpy>=\([0-9.]*\)".*/\1/p' pyproject.toml)
BOOK_TESTS := test_site.py test_site_without_chromium.py test_notebooks.py test_nbval_guard.py \
              test_quality.py test_lab.py test_portability.py test_pdf.py test_publishing.py \
              test_distribution.py

# 'make serve' and 'make lab' listen on 127.0.0.1, by default on these ports;
# PORT=... on the command line chooses another.
SITE_PORT := 8000
LAB_PORT  := 8888

.DEFAULT_GOAL := help
.PHONY: help venv book test test-min test-lib lint serve lab notebooks bench lock clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12
	@echo
	@echo "'make serve' listens on 127.0.0.1:$(SITE_PORT), 'make lab' on 127.0.0.1:$(LAB_PORT); PORT=... picks another."

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)  ## create .venv and install the pinned dependencies

book: $(STAMP)  ## build the website into _build/html (warnings are errors)
	$(JB) clean . > /dev/null
	$(JB) build . -W -n --keep-going
	@echo
	@echo "The book is in $(CURDIR)/$(HTML)/index.html ('make serve' serves it on http://127.0.0.1:$(SITE_PORT))."

$(MIN_STAMP): requirements.lock pyproject.toml
	rm -rf $(MIN) && $(PYTHON) -m venv $(MIN)
	$(MIN)/bin/python -m pip install --quiet --upgrade "pip>=24"
	grep -vE '^(numpy|scipy)==' requirements.lock > $(MIN)/constraints.txt
	$(MIN)/bin/python -m pip install --quiet --only-binary=:all: -c $(MIN)/constraints.txt \
		"numpy==$(MIN_NUMPY)" pytest hypothesis sympy mpmath scikit-learn
	touch $@

test: book test-min  ## build the book, then run every test: library (also under the lowest NumPy), notebooks (nbval), lint, types, site in a browser
	$(BIN)/python -m pytest nnlib tests chapters --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg --ignore=_build -p no:cacheprovider

test-lib: $(STAMP)  ## only the library's unit tests (fast)
	$(BIN)/python -m pytest nnlib tests --ignore=tests/test_site.py -m "not portability and not distribution" \
		-p no:cacheprovider

test-min: $(MIN_STAMP)  ## the library's unit tests, installed in .venv-min with the lowest NumPy allowed
	rm -rf $(MIN)/run && mkdir $(MIN)/run && cp -R pyproject.toml README.md nnlib tests $(MIN)/run/
	cd $(MIN)/run && ../bin/python -m pip install --quiet --no-deps --force-reinstall . \
		&& rm -rf build nnlib nnlib.egg-info
	cd $(MIN)/run && ../bin/python -m pytest tests --pyargs nnlib $(BOOK_TESTS:%=--ignore=tests/%) \
		-p no:cacheprovider

lint: $(STAMP)  ## ruff and mypy on their own
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

serve: PORT ?= $(SITE_PORT)
serve: $(STAMP)  ## serve the built site on 127.0.0.1
	@test -f $(HTML)/index.html || $(MAKE) --no-print-directory book
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

# JupyterLab refuses to start as root (as in a container) unless told it may.
lab: PORT ?= $(LAB_PORT)
lab: $(STAMP)  ## open the chapters as notebooks in JupyterLab on 127.0.0.1 (prints the URL)
	$(BIN)/jupyter-lab --ServerApp.root_dir=chapters --ip=127.0.0.1 --port=$(PORT) \
		--ServerApp.port_retries=0 $(if $(filter 0,$(shell id -u)),--allow-root)

# --- The whole book as one PDF ----------------------------------------------
.PHONY: pdf
pdf: $(STAMP)  ## print the whole book as one PDF into _build/pdf (needs Chromium)
	$(BIN)/python tools/make_pdf.py

notebooks: $(STAMP)  ## re-execute every chapter in place (after editing one)
	$(BIN)/python tools/execute_notebooks.py

bench: $(STAMP)  ## run the benchmarks in benchmarks/
	@for script in benchmarks/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lock: $(STAMP)  ## re-resolve requirements.in into requirements.lock
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet -r requirements.in
	( echo "# Exact versions the book is built, executed and tested with (Python 3.11)."; \
	  echo "# Generated by 'make lock' from requirements.in; do not edit by hand."; \
	  .venv-lock/bin/pip freeze --all --exclude pip --exclude-editable ) > requirements.lock
	rm -rf .venv-lock

clean:  ## remove the build and the virtual environments
	rm -rf _build $(VENV) $(MIN)
