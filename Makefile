# ML for Artists. Two commands on a fresh machine with python3:
#   make demo   set everything up in .venv and make a first melody
#   make test   run the whole test suite (unit, CLI, notebook hygiene, every notebook)
# And: make test-browser (every notebook in JupyterLab + chromium), make wheelhouse (an offline
# kit: every wheel in wheelhouse/, which `make demo` then installs from with no network).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
BROWSER_READY := $(VENV)/.browser-ready
PIP := $(BIN)/python -m pip install -q --disable-pip-version-check
# With a wheelhouse/ folder (make wheelhouse), install from it alone: no network needed.
FROM := $(if $(wildcard wheelhouse/*.whl),--no-index --find-links wheelhouse,)
# apt-get install, quiet when it works; else once more after `apt-get update`, showing apt's own error.
APT_INSTALL := scripts/apt_install.sh

.PHONY: demo test test-full test-browser wheelhouse audio browser links korean clean

demo: $(READY) audio
	@$(BIN)/python -m artlab melody --seed 1
	@echo "Made with the course model; open the files above, or the notebooks in notebooks/."

$(READY): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) $(FROM) -r requirements.txt
	$(PIP) $(FROM) --no-deps magenta==2.1.4
	$(PIP) --no-index --no-deps --no-build-isolation -e .
	@touch $(READY)

$(BROWSER_READY): $(READY) requirements-browser.txt
	$(PIP) $(FROM) -r requirements-browser.txt
	@touch $(BROWSER_READY)

# Every wheel the pinned requirements need (and the browser tests' and Magenta's), for this
# platform and Python: copy the course folder with wheelhouse/ to a USB stick.
wheelhouse:
	$(PYTHON) -m pip download -q --disable-pip-version-check -d wheelhouse -r requirements.txt -r requirements-browser.txt
	$(PYTHON) -m pip download -q --disable-pip-version-check -d wheelhouse --no-deps magenta==2.1.4
	$(PYTHON) -m pip download -q --disable-pip-version-check -d wheelhouse setuptools wheel
	@du -sh wheelhouse; ls wheelhouse | wc -l

# FluidSynth renders audio with a real SoundFont; without it the course uses a simple synth.
audio:
	@if ldconfig -p 2>/dev/null | grep -q libfluidsynth; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing FluidSynth for audio..."; \
	  $(APT_INSTALL) fluidsynth || \
	  echo "Could not install FluidSynth (apt's reason above); audio falls back to the simple NumPy synth."; \
	else echo "FluidSynth is not installed (sudo apt-get install fluidsynth); audio falls back to the simple NumPy synth."; fi

test: $(READY) audio
	ARTLAB_SMOKE=1 $(BIN)/python -m pytest -m "not browser"

# Every notebook at its real settings (no smoke mode: full training lengths), one at a time,
# with each one's wall time; not part of `make test` (about 5 minutes on 2 cores; .ci/run runs it).
test-full: $(READY) audio
	@for notebook in notebooks/[0-9][0-9]_*.ipynb; do \
	  started=$$(date +%s); \
	  ARTLAB_SMOKE=0 $(BIN)/python -m pytest -q --nbval-cell-timeout=1800 "$$notebook" || exit 1; \
	  echo "$$notebook: $$(( $$(date +%s) - started )) s at full settings"; \
	done

# Needs Debian's chromium (installed here when root) at /usr/bin/chromium.
test-browser: $(BROWSER_READY) audio browser
	ARTLAB_SMOKE=1 $(BIN)/python -m pytest -m browser tests/browser

browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing chromium for the browser tests..."; \
	  $(APT_INSTALL) chromium || { echo "Could not install chromium: apt's reason is above."; exit 1; }; \
	else echo "The browser tests need chromium: sudo apt-get install chromium"; fi
	@if fc-list 2>/dev/null | grep -qi nanum; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing a Korean font for the Korean notebooks' pages..."; \
	  $(APT_INSTALL) fonts-nanum || echo "Could not install fonts-nanum: Korean text shows as boxes in the screenshots."; \
	else echo "Korean text needs a font in the browser: sudo apt-get install fonts-nanum"; fi

# Colab's first run, rehearsed on Colab's Python 3.13 in a cached Debian 13 root (needs root and
# debootstrap; network to Debian's mirror and PyPI): every notebook's set-up cell clones, installs
# FluidSynth and the missing packages, then every cell runs. Root under /var/cache/artlab/.
# One notebook: make test-colab NOTEBOOKS=notebooks/02_melody_rnn.ipynb
.PHONY: test-colab test-binder
test-colab:
	bash scripts/test_colab.sh $(NOTEBOOKS)

# The binder/ folder's build steps (what mybinder.org / a school's JupyterHub runs) in a clean
# Debian 12 root with Python 3.11, then every notebook and `artlab doctor` there.
test-binder:
	bash scripts/test_binder.sh

links: $(READY)
	$(BIN)/python scripts/update_links.py
	$(BIN)/python scripts/korean_edition.py build
	$(BIN)/python scripts/update_links.py

# The Korean edition: after an English notebook changed, `make korean` adds its new sentences
# to locale/ko/*.po (untranslated); translate them, then `make links` builds notebooks/ko/.
korean: $(READY)
	$(BIN)/python scripts/korean_edition.py update

clean:
	rm -rf $(VENV) output
