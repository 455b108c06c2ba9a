# pulumi-wxo — everything a newcomer needs, from a fresh clone:
#   make demo   pulumi up of the example catalogue (dev stack) against the local emulator
#   make test   lint, types, and every test tier (unit, emulator, end-to-end with the engine)
#   make down   destroy the demo stack and stop the emulator

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO ?= .demo
DEMO_PORT ?= 4321
DEMO_URL := http://127.0.0.1:$(DEMO_PORT)
DEMO_TOKEN := demo-token
# Pulumi's local file backend and the fixed demo passphrase "demo", with which the fake keys
# in Pulumi.dev.yaml are encrypted: no account, no login prompt. The provider finds the
# emulator through WXO_URL / WXO_TOKEN (Pulumi.dev.yaml sets no wxo:url, so any DEMO_PORT works).
# PULUMI_PYTHON_CMD: the legacy language host (below) ignores Pulumi.yaml's virtualenv option,
# so the virtualenv's bin/ need not be on PATH. The native plugin is installed into the demo's
# plugin cache (`pulumi-wxo plugin install`), and PULUMI_IGNORE_AMBIENT_PLUGINS keeps the engine
# from preferring a pulumi-resource-wxo on PATH (an activated virtualenv's) with a warning on every
# run: the language host names the plugin of every pulumi-* package (docs/guide/hosts.md).
DEMO_ABS := $(abspath $(DEMO))
DEMO_ENV = PULUMI_BACKEND_URL="file://$(DEMO_ABS)/state" \
	PULUMI_HOME="$(DEMO_ABS)/pulumi-home" \
	PULUMI_IGNORE_AMBIENT_PLUGINS=true \
	PULUMI_CONFIG_PASSPHRASE=demo \
	PULUMI_SKIP_UPDATE_CHECK=true \
	PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true \
	PULUMI_PYTHON_CMD="$(CURDIR)/$(PY)" \
	WXO_URL=$(DEMO_URL) WXO_TOKEN=$(DEMO_TOKEN)

.PHONY: demo down test lint dist dist-check unit emulator-tests e2e sdks cli tofu venv emulator-start emulator-stop bench docs generate clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,emulator]'
	touch $@

venv: $(VENV)/.installed

cli:
	@bash scripts/pulumi-cli.sh

# OpenTofu v1.6.3, built once from the Go module proxy into the cache; prints its directory.
tofu:
	@bash scripts/tofu.sh

# The demo owns its emulator: one it started (its pid file and database, which the emulator's
# health answer names) is reused; anything else on the port is refused, so that nothing is
# deployed into another checkout's emulator (pulumi_wxo/emulator/owner.py).
OWNER = $(PY) -m pulumi_wxo.emulator.owner $(DEMO_URL) $(DEMO)/emulator.pid $(DEMO)/emulator.db
FOREIGN = echo "make: refusing to use $(DEMO_URL): it is not the emulator this checkout started, and nothing is deployed into it. Stop that process, or pick another port: make demo DEMO_PORT=4322 (then make down DEMO_PORT=4322)" >&2

emulator-start: venv
	@mkdir -p $(DEMO)
	@set +e; $(OWNER) >/dev/null; owner=$$?; set -e; \
	if [ $$owner = 0 ]; then \
		echo "emulator already running on $(DEMO_URL) (started here: $(DEMO)/emulator.pid)"; \
	elif [ $$owner != 3 ]; then \
		$(FOREIGN); exit 1; \
	else \
		nohup $(VENV)/bin/pulumi-wxo emulator --host 127.0.0.1 --port $(DEMO_PORT) \
			--db $(DEMO)/emulator.db --token $(DEMO_TOKEN) > $(DEMO)/emulator.log 2>&1 & echo $$! > $(DEMO)/emulator.pid; \
		for i in $$(seq 1 50); do curl -fsS $(DEMO_URL)/_emulator/health >/dev/null 2>&1 && break; sleep 0.2; done; \
		$(OWNER) >/dev/null 2>&1 || { cat $(DEMO)/emulator.log; $(FOREIGN); exit 1; }; \
		echo "emulator listening on $(DEMO_URL) (db: $(DEMO)/emulator.db, log: $(DEMO)/emulator.log)"; \
	fi

# Stops only the emulator this checkout started; a stale pid file is removed.
emulator-stop:
	@if [ -f $(DEMO)/emulator.pid ]; then \
		pid=$$(cat $(DEMO)/emulator.pid); \
		if $(OWNER) >/dev/null 2>&1; then \
			kill $$pid 2>/dev/null || true; \
			for i in $$(seq 1 50); do kill -0 $$pid 2>/dev/null || break; sleep 0.1; done; \
			echo "emulator stopped"; \
		fi; \
		rm -f $(DEMO)/emulator.pid; \
	fi

# `pulumi up` on this project directory needs the Python language host next to the CLI.
# scripts/pulumi-cli.sh builds it when the Go module proxy serves it, and otherwise the legacy
# v3.68 host (verified for up/preview/refresh/destroy with this engine; docs/dev/pulumi-cli.md),
# into the same cache the tests use: one build serves `make test` and `make demo`.
# Cold, the CLI build (minutes of Go compiling) and the virtualenv install run side by side.
demo:
	@mkdir -p $(DEMO)
	@bash scripts/pulumi-cli.sh > $(DEMO)/cli-dir & cli_pid=$$!; \
	$(MAKE) --no-print-directory venv emulator-start || { kill $$cli_pid 2>/dev/null; exit 1; }; \
	wait $$cli_pid || { echo "make demo: no Pulumi CLI (see the messages above)" >&2; exit 1; }
	@cli=$$(tail -n 1 $(DEMO)/cli-dir); \
	if [ ! -x "$$cli/pulumi-language-python" ]; then \
		echo "make demo: no Python language host next to $$cli/pulumi (see docs/dev/pulumi-cli.md)" >&2; exit 1; \
	fi; \
	host=$$(sed -n 's/^language host: \([a-z]*\).*/\1/p' "$$cli/../BUILD-INFO" 2>/dev/null || true); \
	echo "make demo: pulumi up via $$cli/pulumi (language host: $${host:-installed with the CLI})"; \
	mkdir -p $(DEMO)/state $(DEMO)/pulumi-home; \
	$(VENV)/bin/pulumi-wxo plugin install --pulumi-home $(DEMO)/pulumi-home 2>/dev/null; \
	export PATH="$$cli:$$PATH" $(DEMO_ENV); \
	pulumi stack select dev --create --non-interactive >/dev/null; \
	pulumi up --yes --stack dev --non-interactive --color never
	@echo
	@echo "Models now on $(DEMO_URL):"
	@WXO_URL=$(DEMO_URL) WXO_TOKEN=$(DEMO_TOKEN) $(VENV)/bin/pulumi-wxo list

# Destroy the demo stack (starting the emulator again if needed, e.g. after a reboot: its
# SQLite file is under .demo/), then stop the emulator.
down: venv
	@if [ -d $(DEMO)/state/.pulumi/stacks ]; then \
		$(MAKE) --no-print-directory emulator-start; \
		cli=$$(bash scripts/pulumi-cli.sh | tail -n 1); \
		export PATH="$$cli:$$PATH" $(DEMO_ENV); \
		if pulumi stack select dev --non-interactive >/dev/null 2>&1; then \
			pulumi destroy --yes --stack dev --non-interactive --color never; \
		fi; \
	fi
	@$(MAKE) --no-print-directory emulator-stop

lint: venv
	$(VENV)/bin/ruff check provider tests examples bench tools
	$(VENV)/bin/ruff format --check provider tests examples bench tools
	$(VENV)/bin/mypy

# Everything derived from the resource declarations (provider/pulumi_wxo/resources/): the
# generated modules of sdk/, the plugin's native/schema.json and docs/reference/
# (docs/dev/adding-a-field.md). tests/unit/test_generated.py fails while one is stale.
generate: venv
	$(PY) -m tools.generate

docs: generate

# The sdist and the wheel users install (python -m build) into dist/ (gitignored):
# `pip install dist/pulumi_wxo-*.whl` (docs/guide/getting-started.md).
dist: venv
	@rm -rf dist
	@$(PY) -m build --outdir dist . > $(VENV)/build.log 2>&1 || { cat $(VENV)/build.log; exit 1; }
	@ls dist/pulumi_wxo-*.tar.gz dist/pulumi_wxo-*-py3-none-any.whl

# What a user gets from the wheel: installed alone into a clean virtualenv in a temporary folder,
# it starts its emulator and runs a project made from templates/python through the engine
# (up, a clean preview, destroy), outside this clone (scripts/dist-check.sh).
dist-check: dist
	@PYTHON=$(PYTHON) bash scripts/dist-check.sh

# What the e2e tier needs, each built once into the cache outside the checkout (docs/dev/sdks.md,
# docs/dev/pulumi-cli.md) and timed here, before pytest, so that a cold build's minutes show: the
# Pulumi CLI, the YAML language host, the SDKs generated from the schema (sdkgen/), the npm
# packages the TypeScript SDK compiles against, and the Go Automation-API program built on the
# generated Go SDK, and OpenTofu (scripts/tofu.sh: the Terraform host's e2e tests run it; docs/dev/terraform.md).
# Any of them failing stops the run; the tests would fail without it anyway.
E2E_TOOLS = tool() { \
		local started=$$SECONDS dir; \
		dir=$$(bash "scripts/$$1" | tail -n 1) && [ -n "$$dir" ] || { echo "make: scripts/$$1 failed" >&2; return 1; }; \
		echo "make: scripts/$$1 ready in $$((SECONDS - started)) s: $$dir" >&2; \
		printf '%s\n' "$$dir"; \
	}; \
	PULUMI_WXO_CLI_DIR=$$(tool pulumi-cli.sh); \
	PULUMI_WXO_YAML_DIR=$$(tool pulumi-yaml.sh); \
	PULUMI_WXO_SDK_DIR=$$(PULUMI_WXO_PYTHON="$(CURDIR)/$(PY)" tool sdks.sh); \
	PULUMI_WXO_TS_DEPS=$$(tool ts-deps.sh); \
	PULUMI_WXO_GO_AUTOMATION=$$(PULUMI_WXO_SDK_DIR="$$PULUMI_WXO_SDK_DIR" tool go-automation.sh); \
	PULUMI_WXO_TOFU_DIR=$$(tool tofu.sh); \
	export PULUMI_WXO_CLI_DIR PULUMI_WXO_YAML_DIR PULUMI_WXO_SDK_DIR PULUMI_WXO_TS_DEPS PULUMI_WXO_GO_AUTOMATION \
		PULUMI_WXO_TOFU_DIR

test: venv lint dist-check
	@$(E2E_TOOLS); \
	echo "$(VENV)/bin/pytest -p no:cacheprovider"; \
	$(VENV)/bin/pytest -p no:cacheprovider

unit: venv
	$(VENV)/bin/pytest -p no:cacheprovider tests/unit

emulator-tests: venv
	$(VENV)/bin/pytest -p no:cacheprovider tests/emulator

e2e: venv
	@$(E2E_TOOLS); \
	echo "$(VENV)/bin/pytest -p no:cacheprovider tests/e2e"; \
	$(VENV)/bin/pytest -p no:cacheprovider tests/e2e

# The TypeScript and Go SDKs generated from the schema; prints the directory (docs/dev/sdks.md).
sdks: venv
	@PULUMI_WXO_PYTHON="$(CURDIR)/$(PY)" bash scripts/sdks.sh

# The micro-benchmarks (bench/run.py), then the engine benchmark (bench/engine.py: N models
# through the real engine against the emulator with injected latency) in its quick mode, a few
# minutes in all. `make bench BENCH_ENGINE=--full` runs its whole matrix (N = 50, 200, 1000 at
# 50 and 250 ms; far longer). Last, bench/engine_cost.py takes the do-nothing engine cost apart
# (registrations, dynamic host calls, checkpoint writes). docs/dev/benchmarks.md says what each measures.
BENCH_ENGINE ?= --quick
bench: venv
	$(PY) bench/run.py
	$(PY) bench/engine.py $(BENCH_ENGINE)
	$(PY) bench/engine_cost.py

clean: down
	rm -rf $(DEMO) $(VENV)
