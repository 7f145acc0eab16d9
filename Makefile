# Service Hub — every developer entry point. The npm scripts do the work; make adds the install
# step so a fresh clone needs nothing else. `make help` lists the targets.
SHELL := /bin/bash
NODE_TS := node --import tsx
BENCH ?= all
SEED_TOKEN_FILE ?= .run/seed/token.json

.PHONY: help install install-jaeger install-docker install-browser up up-prod build down seed test test-faults test-observability test-stack test-containers test-web lint typecheck unit bench clean

help: ## List targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: ## Install every real server and the npm workspace (idempotent)
	@bash scripts/install.sh

install-jaeger: ## Also build Jaeger v2 into .local/bin (minutes, once); make up then starts it
	@HUB_INSTALL_JAEGER=1 bash scripts/install.sh

install-docker: ## Docker engine and mmdebstrap for the stack/container targets only (Debian apt, idempotent)
	@HUB_INSTALL_DOCKER=1 bash scripts/install.sh

install-browser: ## Also install Debian's Chromium for the browser tests (idempotent)
	@HUB_INSTALL_BROWSER=1 bash scripts/install.sh

up: install ## Run the platform and all services in the foreground (Ctrl-C stops everything)
	@$(NODE_TS) scripts/up.ts

up-prod: install build ## Like `make up`, but services run their compiled bundles (production-like start)
	@HUB_MODE=prod $(NODE_TS) scripts/up.ts

build: ## Compile every service to services/<name>/dist/main.js (esbuild bundle; git-ignored)
	@npm run --silent build

down: ## Stop a `make up` running in another terminal
	@$(NODE_TS) scripts/down.ts

# Signs in as the dev user admin with a token file of its own (the user's `npx hub login` stays as
# it is) and signs out again, whether the seed worked or not (make then fails if the seed did).
seed: ## Load the demo data (customers, products, promotions) into a running `make up`, via the API; idempotent
	@export HUB_TOKEN_FILE='$(SEED_TOKEN_FILE)'; npx hub login admin --password-stdin <<< admin-pass >/dev/null \
	  && { npx hub seed; rc=$$?; npx hub logout >/dev/null; exit $$rc; }

test: install ## Lint, typecheck, then all tests against real servers
	@echo "==> lint" && npm run --silent lint
	@echo "==> typecheck" && npm run --silent typecheck
	@echo "==> npm audit (production dependencies)" && npm run --silent audit:prod
	@echo "==> tests" && npx vitest run
	@echo "==> supervision (a make up of its own: kill -9 drills)" && npx vitest run --config vitest.supervision.config.ts

test-faults: install ## Fault drills R1–R6 on private loopback servers, one figures line per drill; fails on any loss (< 8 min)
	@timeout --kill-after=30 600 npx vitest run --config vitest.faults.config.ts

test-observability: install-jaeger ## Traces end to end: services → OTLP → Jaeger v2, checked through its query API
	@timeout 900 npx vitest run --config vitest.observability.config.ts

test-stack: install install-docker ## Deploy docker-stack.yml on a private single-node Swarm and test it (< 20 min)
	@bash scripts/stack/test-stack.sh

test-containers: install install-docker ## Smoke + customer tests with the servers as containers (testcontainers, private dockerd)
	@bash scripts/stack/test-containers.sh

test-web: install-browser ## Browser tests of the web app (Playwright + Chromium against the real platform; < 8 min, bounded at 10)
	@echo "==> browser tests (services/web, artifacts in .run/web-e2e/)" && cd services/web && timeout --signal=INT --kill-after=60 600 npx playwright test

lint: ## typescript-eslint (type-checked rules)
	@npm run --silent lint

typecheck: ## tsc --noEmit over the whole workspace
	@npm run --silent typecheck

unit: ## Tests only (servers are still started by the test kit)
	@npx vitest run

bench: install ## Benchmarks: make bench BENCH=runtime-get (default: all)
	@$(NODE_TS) bench/run.ts $(BENCH)

clean: ## Remove run data and logs (.run/); keeps installs (.local/)
	@rm -rf .run
