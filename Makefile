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

.PHONY: demo test test-browser wheelhouse audio browser links clean

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
	  (apt-get install -y -qq fluidsynth >/dev/null 2>&1 || \
	   (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq fluidsynth >/dev/null 2>&1)) || \
	  echo "Could not install FluidSynth; audio falls back to the simple NumPy synth."; \
	else echo "FluidSynth is not installed (sudo apt-get install fluidsynth); audio falls back to the simple NumPy synth."; fi

test: $(READY) audio
	ARTLAB_SMOKE=1 $(BIN)/python -m pytest -m "not browser"

# Needs Debian's chromium (installed here when root) at /usr/bin/chromium.
test-browser: $(BROWSER_READY) audio browser
	ARTLAB_SMOKE=1 $(BIN)/python -m pytest -m browser tests/browser

browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing chromium for the browser tests..."; \
	  apt-get install -y -qq chromium >/dev/null 2>&1 || \
	  (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1); \
	else echo "The browser tests need chromium: sudo apt-get install chromium"; fi

links: $(READY)
	$(BIN)/python scripts/update_links.py

clean:
	rm -rf $(VENV) output
