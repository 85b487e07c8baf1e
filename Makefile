# Vraagbaak: `make run` to chat, `make test` to check everything. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV     := .venv
PY       := $(VENV)/bin/python
RASA     := $(VENV)/bin/rasa
SPACY_NL := .build/spacy_nl
MODEL    := models/vraagbaak.tar.gz
STEP     := scripts/step.sh
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONHASHSEED := 0

# What the model is trained from. Whether to retrain is decided by a content hash of these
# files (scripts/content_hash.sh), not by file times: a fresh clone has arbitrary times.
TRAIN_INPUTS := config.yml bot/domain.yml bot/crisis_override.py scripts/build_spacy_nl.py constraints.txt \
  $(shell find data -name '*.yml' 2>/dev/null | sort)
TRAIN_HASH   := .build/train-inputs.sha256
INSTALL_HASH := $(VENV)/.inputs.sha256

.PHONY: FORCE help setup run train ranker test test-unit test-stories validate check report eval bench soak nlu-report test-e2e test-scale clean

help:
	@echo "make run    - alles klaarzetten, trainen als nodig en de assistent starten"
	@echo "make test   - alles klaarzetten en alle tests draaien"
	@echo "make check  - de kennisbank (knowledge/) controleren"
	@echo "make train  - het model opnieuw trainen (alleen als data of config veranderde)"
	@echo "make eval   - nauwkeurigheid meten op de vragen in tests/eval/"
	@echo "make bench  - snelheid meten, naast een standaard Rasa-bot"

setup: $(VENV)/.installed $(SPACY_NL)/meta.json $(SPACY_NL)/stop_words.json

$(INSTALL_HASH): FORCE
	@scripts/content_hash.sh $@ requirements.txt constraints.txt pyproject.toml

$(VENV)/.installed: $(INSTALL_HASH)
	@py310=$$(scripts/find_python310.sh) || exit 1; \
	  [[ -x $(PY) ]] || $(STEP) "Python-omgeving maken ($$py310)" venv "$$py310" -m venv $(VENV)
	@$(STEP) "Pakketten installeren (eerste keer een paar minuten)" install \
	  $(PY) -m pip install --disable-pip-version-check -c constraints.txt -r requirements.txt -e .
	@touch $@

$(SPACY_NL)/meta.json: $(VENV)/.installed scripts/build_spacy_nl.py
	@$(STEP) "Nederlandse spaCy-pijplijn bouwen" spacy $(PY) scripts/build_spacy_nl.py $(SPACY_NL)

# spaCy's Dutch stop words as JSON, so the action server need not import spaCy.
$(SPACY_NL)/stop_words.json: $(VENV)/.installed
	@mkdir -p $(SPACY_NL) && $(PY) -c "import json, sys; from spacy.lang.nl.stop_words import STOP_WORDS; \
	  json.dump(sorted(STOP_WORDS), sys.stdout, ensure_ascii=False)" > $@.tmp && mv $@.tmp $@

# NLU lookup tables and synonyms are generated from knowledge/ (one place for language data).
NLU_GENERATED := data/nlu/lookups.yml data/nlu/synonyms.yml
$(NLU_GENERATED) &: knowledge/synonyms.yml knowledge/vocabulary.yml knowledge/help.yml scripts/generate_nlu.py
	@$(PY) scripts/generate_nlu.py

# The learned ranker is refitted on the knowledge base's own example questions, only when
# the content hash of its inputs differs from the one committed beside its weights
# (actions/knowledge/ranker.sha256): a fresh clone uses the committed weights.
RANKER_INPUTS := knowledge/*.yml scripts/train_ranker.py actions/knowledge/ranker.py
RANKER_HASH := actions/knowledge/ranker.sha256
ranker: setup
	@new=$$(LC_ALL=C; sha256sum -- $(RANKER_INPUTS) | sha256sum | cut -d' ' -f1); \
	if [ "$$new" != "$$(cat $(RANKER_HASH) 2>/dev/null)" ]; then \
	  $(STEP) "Ranker trainen op de voorbeeldvragen" ranker $(PY) scripts/train_ranker.py && \
	  printf '%s\n' "$$new" > $(RANKER_HASH); fi

$(TRAIN_HASH): FORCE | $(NLU_GENERATED) $(SPACY_NL)/meta.json
	@scripts/content_hash.sh $@ $(TRAIN_INPUTS)

$(MODEL): $(TRAIN_HASH) | $(VENV)/.installed
	@$(STEP) "Modellen trainen" train $(RASA) train --config config.yml --domain bot/domain.yml \
	  --data data --out models --fixed-model-name vraagbaak
	@touch $@

train: setup $(NLU_GENERATED) $(MODEL) ranker

check: setup
	@$(VENV)/bin/vraagbaak check

report: setup
	@$(VENV)/bin/vraagbaak report --out .build/kennisbank.html && echo "Overzicht: .build/kennisbank.html"

validate: setup
	@$(STEP) "Trainingsdata controleren (rasa data validate)" validate \
	  $(RASA) data validate --fail-on-warnings --config config.yml --domain bot/domain.yml --data data

run: train
	@$(PY) scripts/run.py

test: setup
	@$(VENV)/bin/vraagbaak check
	@$(MAKE) --no-print-directory validate
	@$(MAKE) --no-print-directory test-unit
	@$(MAKE) --no-print-directory train
	@$(MAKE) --no-print-directory test-stories
	@$(MAKE) --no-print-directory eval
	@$(MAKE) --no-print-directory test-e2e
	@$(MAKE) --no-print-directory test-scale

test-unit: setup
	@echo "Unit-tests (acties, kennisbank)…"
	@$(PY) -m pytest -m "not slow"

# --e2e: the user texts of the stories go through the NLU and must give the intent (and
# entities) the story names; without it Rasa takes the story's intent and checks only the
# dialogue.
test-stories: train
	@$(STEP) "Verhaaltests (rasa test core --e2e, --fail-on-prediction-errors)" stories \
	  $(RASA) test core --e2e --model $(MODEL) --stories tests/test_stories.yml \
	  --endpoints bot/endpoints.yml --fail-on-prediction-errors --out results/stories

test-e2e: train
	@$(STEP) "Browser en axe-core klaarzetten (Chromium uit Debian, eerste keer een paar minuten)" browser \
	  scripts/ensure_browser.sh
	@echo "Eind-tot-eind-tests (echte servers, echte browser)…"
	@$(PY) -m pytest -m "slow and not scale"

test-scale: train
	@$(STEP) "PostgreSQL en Redis klaarzetten (Debian-pakketten)" services scripts/ensure_services.sh
	@echo "Opschaaltest (PostgreSQL, Redis, twee Rasa-servers)…"
	@$(PY) -m pytest -m scale

eval: train
	@$(PY) scripts/evaluate.py

bench: train
	@$(PY) -m bench

# 50 users for 2 minutes through the website channel, real servers: 0 server errors and
# memory after the run within 5% of memory after the warm-up (bench/soak.py).
soak: train
	@$(PY) -m bench.soak

nlu-report: train
	@$(STEP) "NLU kruisvalidatie (5 delen)" nlu-cv $(RASA) test nlu --config config.yml \
	  --domain bot/domain.yml --nlu data/nlu --cross-validation --folds 5 --out results/nlu-cv
	@$(PY) scripts/nlu_report.py results/nlu-cv docs/nlu-cross-validation.md

clean:
	rm -rf .build models results logs
