# The two commands a reader needs: `make html` (build the book) and `make test`.
# Both create the virtual environment .venv from requirements.txt when it is missing or
# older than requirements.txt, and install code/ (the matcalc package) into it, editable.

PYTHON     ?= python3
VENV       := .venv
BIN        := $(VENV)/bin
STAMP      := $(VENV)/.installed
BUILDDIR   := _build
# Strict: nitpicky, warnings are errors, but report all of them before failing.
SPHINXOPTS ?= -n -W --keep-going
SPHINX     := $(BIN)/python -m sphinx -b html -c . $(SPHINXOPTS)
PORT       ?= 8000

.PHONY: html test clean livehtml venv freeze run system latexpdf

# A failed build deletes the saved environment: otherwise the next (incremental) build
# would not re-read the failing pages, would not repeat their warnings, and would pass.
html: $(STAMP)
	$(SPHINX) -d $(BUILDDIR)/doctrees book $(BUILDDIR)/html || \
		{ rm -f $(BUILDDIR)/doctrees/environment.pickle; exit 1; }
	@echo "Book built: open $(BUILDDIR)/html/index.html"

test: $(STAMP) system
	$(BIN)/python -m pytest

# The whole book as a PDF, with Debian's TeX Live (installed by `make system`).
latexpdf: $(STAMP) system
	$(BIN)/python -m sphinx -b latex -c . $(SPHINXOPTS) -d $(BUILDDIR)/doctrees-latex book $(BUILDDIR)/latex
	cd $(BUILDDIR)/latex && latexmk -pdf -interaction=nonstopmode -halt-on-error matcalc-book.tex
	@echo "PDF: $(BUILDDIR)/latex/matcalc-book.pdf"

# Chromium (browser test) and TeX Live (PDF) from the system's package manager.
system:
	@bash tools/system-packages.sh

# Run one chapter's code cells outside Sphinx and print their outputs:
#   make run CHAPTER=differentials   (a name, a file name or a path)
run: $(STAMP)
	@$(BIN)/python tools/run_chapter.py "$(CHAPTER)"

venv: $(STAMP)

$(STAMP): requirements.txt code/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0])'
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --no-input -q -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check --no-input -q --no-build-isolation --no-deps -e code
	touch $(STAMP)

livehtml: $(STAMP)
	$(BIN)/sphinx-autobuild -b html -c . $(SPHINXOPTS) --host 127.0.0.1 --port $(PORT) \
		--watch code --watch conf.py book $(BUILDDIR)/livehtml

# Regenerate the full pin list after editing a top-level pin (run inside the venv).
freeze: $(STAMP)
	$(BIN)/python -m pip freeze --all --exclude-editable | grep -vE '^(pip|matcalc)==' > requirements.freeze
	@echo "Wrote requirements.freeze; review it and move it over requirements.txt"

clean:
	rm -rf $(BUILDDIR)
