# guopei-bot: `make run` and `make test` work on a fresh machine with Python 3.11 and pip.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (Python 3.11+) on PATH, or run: make PYTHON=python3"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -c "import bot, telegram, aiogram, jieba, sqlmodel, regex"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/guopei-bot run

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)  # every benchmark quoted in the README (about 10 minutes)
	$(BIN)/python bench/updates_bench.py
	$(BIN)/python bench/startup_bench.py
	$(BIN)/python bench/knowledge_bench.py
	$(BIN)/python bench/knowledge_quality.py
	$(BIN)/python bench/survey_bench.py
	$(BIN)/python bench/broadcast_bench.py --members 1000 --engine ptb
	$(BIN)/python bench/broadcast_bench.py --members 1000 --engine aiogram

clean:
	rm -rf $(VENV) .pytest_cache
