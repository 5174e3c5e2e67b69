# ML for Artists. Two commands on a fresh machine with python3:
#   make demo   set everything up in .venv and make a first melody
#   make test   run the whole test suite (unit, CLI, notebook hygiene, every notebook)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready

.PHONY: demo test audio links clean

demo: $(READY) audio
	@$(BIN)/python -m artlab melody --seed 1
	@echo "Made with the course model; open the files above, or the notebooks in notebooks/."

$(READY): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps magenta==2.1.4
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(READY)

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
	ARTLAB_SMOKE=1 $(BIN)/python -m pytest

links: $(READY)
	$(BIN)/python scripts/update_links.py

clean:
	rm -rf $(VENV) output
