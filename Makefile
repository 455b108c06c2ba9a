# pulumi-wxo — everything a newcomer needs, from a fresh clone:
#   make demo   pulumi up of the example catalogue (dev stack) against the local emulator
#   make test   lint, types, and every test tier (unit, emulator, end-to-end with the engine)
#   make down   destroy the demo stack and stop the emulator

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO := .demo
DEMO_PORT ?= 4321
DEMO_URL := http://127.0.0.1:$(DEMO_PORT)
DEMO_TOKEN := demo-token
# Pulumi's local file backend and a fixed passphrase for the demo stack's secrets: no
# account, no login prompt. Pulumi.dev.yaml's secrets are encrypted with this passphrase.
DEMO_ENV = PATH="$$(bash scripts/pulumi-cli.sh):$(CURDIR)/$(VENV)/bin:$$PATH" \
	PULUMI_BACKEND_URL="file://$(CURDIR)/$(DEMO)/state" \
	PULUMI_HOME="$(CURDIR)/$(DEMO)/pulumi-home" \
	PULUMI_CONFIG_PASSPHRASE=demo \
	PULUMI_SKIP_UPDATE_CHECK=true \
	PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true \
	PULUMI_PYTHON_CMD="$(CURDIR)/$(PY)" \
	WXO_URL=$(DEMO_URL) WXO_TOKEN=$(DEMO_TOKEN)

.PHONY: demo down test lint unit emulator-tests e2e cli venv emulator-start emulator-stop bench docs clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,emulator]'
	touch $@

venv: $(VENV)/.installed

cli:
	@bash scripts/pulumi-cli.sh

emulator-start: venv
	@mkdir -p $(DEMO)
	@if curl -fsS $(DEMO_URL)/_emulator/health >/dev/null 2>&1; then \
		echo "emulator already running on $(DEMO_URL)"; \
	else \
		nohup $(VENV)/bin/pulumi-wxo emulator --host 127.0.0.1 --port $(DEMO_PORT) \
			--db $(DEMO)/emulator.db --token $(DEMO_TOKEN) > $(DEMO)/emulator.log 2>&1 & echo $$! > $(DEMO)/emulator.pid; \
		for i in $$(seq 1 50); do curl -fsS $(DEMO_URL)/_emulator/health >/dev/null 2>&1 && break; sleep 0.2; done; \
		curl -fsS $(DEMO_URL)/_emulator/health >/dev/null || { cat $(DEMO)/emulator.log; exit 1; }; \
		echo "emulator listening on $(DEMO_URL) (db: $(DEMO)/emulator.db, log: $(DEMO)/emulator.log)"; \
	fi

emulator-stop:
	@if [ -f $(DEMO)/emulator.pid ]; then kill $$(cat $(DEMO)/emulator.pid) 2>/dev/null || true; rm -f $(DEMO)/emulator.pid; echo "emulator stopped"; fi

demo: venv emulator-start
	@bash scripts/pulumi-cli.sh >/dev/null
	@mkdir -p $(DEMO)/state $(DEMO)/pulumi-home
	@$(DEMO_ENV) pulumi stack select dev --create --non-interactive >/dev/null
	@$(DEMO_ENV) pulumi up --yes --stack dev --non-interactive
	@echo
	@echo "Models now on $(DEMO_URL):"
	@$(VENV)/bin/pulumi-wxo list --url $(DEMO_URL) --token $(DEMO_TOKEN)

down:
	@if [ -d $(DEMO)/state ]; then $(DEMO_ENV) pulumi destroy --yes --stack dev --non-interactive || true; fi
	@$(MAKE) --no-print-directory emulator-stop

lint: venv
	$(VENV)/bin/ruff check provider tests examples bench
	$(VENV)/bin/ruff format --check provider tests examples bench
	$(VENV)/bin/mypy

test: venv lint
	PULUMI_WXO_CLI_DIR="$$(bash scripts/pulumi-cli.sh)" $(VENV)/bin/pytest -p no:cacheprovider

unit: venv
	$(VENV)/bin/pytest -p no:cacheprovider tests/unit

emulator-tests: venv
	$(VENV)/bin/pytest -p no:cacheprovider tests/emulator

e2e: venv
	PULUMI_WXO_CLI_DIR="$$(bash scripts/pulumi-cli.sh)" $(VENV)/bin/pytest -p no:cacheprovider tests/e2e

bench: venv
	$(PY) bench/run.py

clean: down
	rm -rf $(DEMO) $(VENV)
