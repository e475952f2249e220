# Coverwatch — `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export FLASK_APP := wsgi

# Settings in .env (see .env.example) apply to every target.
ifneq (,$(wildcard .env))
include .env
export
endif

.DEFAULT_GOAL := help
.PHONY: help run test test-fast lint migrate seed clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.run-deps $@

migrate: $(VENV)/.run-deps ## migrate the configured database (DATABASE_URL; default SQLite under instance/)
	$(BIN)/flask db upgrade

seed: migrate ## create the demo practice (once) and print a new admin API key
	@$(BIN)/flask seed-demo | { read -r info; read -r key; \
	  coverage=$${info##*demo coverage }; practice=$${info%%;*}; practice=$${practice#practice }; \
	  echo "Demo $$info"; echo "API key (shown once): $$key"; \
	  echo "Try: curl -H 'Authorization: Bearer $$key' http://$(HOST):$(PORT)/v1/patients"; \
	  echo "     curl -H 'Authorization: Bearer $$key' -H 'Content-Type: application/json' \\"; \
	  echo "       -d '{\"coverage_id\": \"$$coverage\"}' http://$(HOST):$(PORT)/v1/eligibility-checks"; \
	  echo "Web app: http://$(HOST):$(PORT)/app/ - create a sign-in first (the password is read from standard input):"; \
	  echo "     $(BIN)/flask --app wsgi create-user --practice $$practice --email you@practice.example --role admin"; }

run: seed ## set up everything, then serve the API on http://$(HOST):$(PORT) (docs at /docs)
	BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

test: $(VENV)/.dev-deps ## run the whole test suite (PostgreSQL too when TEST_DATABASE_URL is set)
	$(BIN)/python -m pytest

test-fast: $(VENV)/.dev-deps ## the suite without the browser tests and the nightly job's crash test
	$(BIN)/python -m pytest -m "not browser and not crash"

lint: $(VENV)/.dev-deps ## ruff over the tree, mypy over payers/, service/ and schemas/, layer contracts
	$(BIN)/ruff check .
	$(BIN)/mypy payers service schemas
	$(BIN)/lint-imports

clean: ## remove the virtualenv and the local SQLite database
	rm -rf $(VENV) instance
