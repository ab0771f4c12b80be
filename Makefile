# One entry point for people, hooks and CI. `make run` and `make test` are the two
# commands in the README; both set up what they need first.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV      := .venv
BIN       := $(VENV)/bin
# The real data set: ../shared's copy where it exists, else the public IBM file at a pinned
# commit, downloaded once and kept only if its SHA-256 matches (`make data`).
SHARED_DATA  := ../shared/data/telco-customer-churn.csv
DATA_URL     := https://raw.githubusercontent.com/IBM/telco-customer-churn-on-icp4d/d5371f5d83a446ad5673cbcca3b814b926491f8a/data/Telco-Customer-Churn.csv
DATA_SHA256  := 16320c9c1ec72448db59aa0a26a0b95401046bef5d02fd3aeb906448e3055e91
FETCHED_DATA := .cache/data/telco-customer-churn.csv
LOCAL_DATA   := $(if $(wildcard $(SHARED_DATA)),$(SHARED_DATA),$(FETCHED_DATA))
DATA      ?= $(LOCAL_DATA)
# The tests read the data set from CHURN_DATA (absolute: some run from other folders).
export CHURN_DATA ?= $(abspath $(LOCAL_DATA))
# The browser tests drive this Chromium binary: Debian's real binary by default; a GitHub
# runner sets CHROMIUM=/usr/bin/chromium (its image ships one).
export CHROMIUM ?= /usr/lib/chromium/chromium
# Bytecode is written once, under .cache/pycache, and read by every later process. The
# venvs are installed without it (uv writes none up front), so with PYTHONDONTWRITEBYTECODE
# set, as on this project's own machine, each process compiled every module it imported,
# every time: pandas, scikit-learn, xgboost and FastAPI took 5.9 CPU-seconds to import
# instead of 1.9, and the test suite's collection 17.0 instead of 6.4 (2026-12-07). The
# prefix keeps the source tree free of __pycache__ folders, which that setting wants.
export PYTHONDONTWRITEBYTECODE :=
export PYTHONPYCACHEPREFIX := $(CURDIR)/.cache/pycache
ARTIFACTS ?= artifacts
STAMP     := $(VENV)/.setup-done
SCANNERS  := .venv-scanners
SCANNERS_STAMP := $(SCANNERS)/.setup-done
TYPECHECK_ROOT := .cache/typecheck
# Terraform installs the AWS provider from the machine's filesystem mirror (see `make
# terraform`); CI runners set TF_PROVIDERS=registry and use the public registry instead.
TF_PROVIDERS ?= mirror
ifeq ($(TF_PROVIDERS),mirror)
export TF_CLI_CONFIG_FILE := $(CURDIR)/.cache/terraform/cli.tfrc
endif
ROOTS     := bootstrap pipeline platform staging-account
ROOT      ?= platform
IMAGE_TAG ?= $(shell git rev-parse HEAD)
# NAME_PREFIX, when set, is the environment: churn-stack and churn-push-images read it from
# the environment (empty: the project's default prefix).
# A small venv with only the ops CLIs and boto3: what CI's plan, apply and image jobs use
# (an apply job that smoke-tests a release adds the smoke test's set: make smoke-tools).
OPS       := .venv-ops
OPS_STAMP := $(OPS)/.setup-done
SMOKE_STAMP := $(OPS)/.smoke-done
# One folder per deployable, each with its Dockerfile.
DOCKERFILES := $(wildcard src/*/Dockerfile)

.PHONY: help setup ops-tools smoke-tools scanners data run serve train score check test test-check test-model test-browser test-terraform test-rehearsal browser terraform lint tf-check scan init plan apply images rehearse format constraints base-images mutation mutation-show bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

setup: $(STAMP) ## create .venv with every pinned dependency (idempotent)

$(STAMP): pyproject.toml constraints.txt requirements/*.txt src/*/requirements.txt scripts/setup.sh scripts/venv.sh
	scripts/setup.sh
	@touch $@

ops-tools: $(OPS_STAMP) ## create .venv-ops: only the ops CLIs and boto3 (CI's plan, apply and image jobs)

$(OPS_STAMP): pyproject.toml constraints.txt src/ops/requirements.txt scripts/setup.sh scripts/venv.sh
	VENV=$(OPS) EXTRAS=ops EDITABLE=no scripts/setup.sh
	@touch $@

smoke-tools: $(SMOKE_STAMP) ## add to .venv-ops what churn-smoke needs: the API's serving path and the booster (CI's apply jobs)

$(SMOKE_STAMP): $(OPS_STAMP) src/api/requirements.txt requirements/serve.txt requirements/smoke.txt
	VENV=$(OPS) EXTRAS=ops,api,serve,smoke EDITABLE=no scripts/setup.sh
	@touch $@

scanners: $(SCANNERS_STAMP) ## create .venv-scanners: checkov, zizmor, check-jsonschema, actionlint, PMapper

$(SCANNERS_STAMP): requirements/scanners/requirements.txt requirements/scanners/constraints.txt constraints.txt scripts/setup-scanners.sh scripts/venv.sh
	scripts/setup-scanners.sh
	@touch $@

data: setup ## the data set: ../shared's copy, or the pinned public file fetched into .cache/data
ifeq ($(DATA),$(FETCHED_DATA))
	$(BIN)/churn-fetch-data --url $(DATA_URL) --sha256 $(DATA_SHA256) --output $(FETCHED_DATA)
endif

train: setup data ## train on $(DATA) and write a bundle under $(ARTIFACTS)/
	$(BIN)/churn-train --data $(DATA) --output $(ARTIFACTS)

SCORES ?= $(ARTIFACTS)/scores

run: train ## set up, train on the real data, score it as a customer base, serve the API (:8000) and the UI (:8501)
	$(BIN)/churn-score --input $(DATA) --output $(SCORES)/$$(date -u +%Y-%m-%dT%H%M%SZ) --bundle $(ARTIFACTS)
	scripts/serve.sh $(ARTIFACTS) $(SCORES)

serve: setup ## serve the newest bundle under $(ARTIFACTS)/ without retraining
	scripts/serve.sh $(ARTIFACTS)

# Tests run on every core (pytest-xdist; WORKERS=1 runs them in one process). The whole
# suite: four workers, more than two cores' worth, as the rehearsal's three stories spend much
# of their time waiting on Terraform. The check tier keeps its workers busy: one per core
# (on 2 cores, 2 workers took 49 s where 4 took 57). worksteal: an idle worker takes tests
# queued for a busy one, so one long test does not hold others back. A test's tier comes from
# the fixtures it uses (tests/support/tiers.py).
# OMP_WAIT_POLICY=PASSIVE: xgboost's OpenMP threads sleep at a barrier instead of spinning;
# with more busy processes than cores, spinning threads burn the CPU their partners need (the
# retrain job's training: 9 s alone, 100 s beside the other workers). Alone, spinning is a
# little faster, so `make run` and `make train` keep the default.
# GOGC=400: Terraform, its AWS provider and act (Go programs, about half the suite's CPU) collect
# garbage at four times the heap growth Go's default waits for. A plan and apply against moto
# took 49 CPU-seconds instead of 62 (2026-12-07); the provider's heap grows from about 310 to
# 440 MB. Off (GOGC=off with a memory limit) was slower: page faults instead of collections.
ifneq ($(filter check test-check,$(MAKECMDGOALS)),)
WORKERS ?= $(shell nproc)
endif
WORKERS ?= 4
# --durations: the 15 slowest tests close the report, for a slow run's post-mortem.
PYTEST := OMP_WAIT_POLICY=PASSIVE GOGC=400 $(BIN)/pytest -n $(WORKERS) --dist worksteal --durations=15
# What the tests need besides .venv, made two at a time: the scanners' venv while mypy runs.
PREPARE := $(MAKE) --no-print-directory --jobs=2 --output-sync=target

# The rehearsal's stories share one account its administrator set up (bootstrap, then the
# pipeline: tests/rehearsal/administered.py). `make test` applies it in the background while
# the lint runs, rather than while every story waits at its start: about two minutes, most of
# them the AWS provider's fixed waits.
ADMINISTERED := $(CURDIR)/.cache/rehearsal/administered

test: setup data ## lint, type-check and run every test (all tiers, in parallel)
	rm -rf $(ADMINISTERED) $(ADMINISTERED).lock $(ADMINISTERED)-world && mkdir -p $(dir $(ADMINISTERED))
	$(MAKE) --no-print-directory terraform
	$(BIN)/python -m tests.rehearsal.administered $(ADMINISTERED) --data $(CHURN_DATA) \
	  > $(ADMINISTERED).log 2>&1 &
	$(PREPARE) scanners lint browser
	REHEARSAL_ADMINISTERED=$(ADMINISTERED) $(PYTEST)

check: setup data ## the fast loop: lint, type-check and the tests that need no model, AWS, terraform, browser or act
	$(PREPARE) scanners lint
	$(PYTEST) --tier=check

test-check: check ## the check tier (the pull request's tier jobs call test-<tier>)

test-model: setup data ## the tests of the model, AWS (moto) and image dependency sets
	$(PYTEST) --tier=model

test-browser: setup data browser ## the tests in headless Chromium
	$(PYTEST) --tier=browser

test-terraform: setup data terraform ## the tests that run terraform (validate, terraform test, plans against moto)
	$(PYTEST) --tier=terraform

test-rehearsal: setup scanners data terraform ## the workflows run by act (the rehearsal's tests)
	$(PYTEST) --tier=rehearsal

terraform: ## write the Terraform CLI config that uses this machine's provider mirror
	scripts/terraform-config.sh

browser: ## Chromium for the browser tests: $(CHROMIUM), installed with apt (root or sudo) when missing
	scripts/setup-browser.sh

# mypy resolves `churn.*` through a link named churn -> src, since the package is mapped
# onto src/ and mypy cannot follow setuptools' editable import hook.
lint: setup ## ruff, ruff format --check, mypy --strict
	@mkdir -p $(TYPECHECK_ROOT) && ln -sfn ../../src $(TYPECHECK_ROOT)/churn
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(TYPECHECK_ROOT)/churn tests bench policies

# The roots are initialized one after the other (installing into Terraform's plugin cache
# is not safe to run concurrently), then validated side by side, each root's answer printed
# whole: on the deploy's critical path, three validations took 33 s one after the other.
tf-check: ## terraform fmt -check and validate of every root (no backend, no credentials)
	terraform fmt -check -recursive -diff terraform
	@for root in $(ROOTS); do \
	  terraform -chdir=terraform/$$root init -backend=false -input=false >/dev/null; \
	done
	@for root in $(ROOTS); do \
	  ( said="$$(terraform -chdir=terraform/$$root validate -no-color 2>&1)" && status=0 || status=$$?; \
	    printf 'validate terraform/%s\n%s\n' "$$root" "$$said"; exit $$status ) & \
	done; \
	failed=0; for root in $(ROOTS); do wait -n || failed=1; done; exit $$failed

scan: scanners ## checkov over terraform/ with the built-in checks and policies/ (CHECKOV_OUTPUT adds reports)
	$(SCANNERS)/bin/checkov --directory terraform --framework terraform --external-checks-dir policies \
	  --skip-download --compact --quiet $(CHECKOV_OUTPUT)

plan: setup ## save a plan of ROOT (.cache/plans): of RELEASE's record, else of what is deployed; AWS credentials from the environment
	$(BIN)/churn-stack plan $(ROOT) $(if $(RELEASE),--release "$(RELEASE)",--keep-deployed)

apply: setup ## apply the plan `make plan` saved for ROOT (nothing else: what was reviewed is what runs)
	$(BIN)/churn-stack apply $(ROOT)

images: setup ## build and push the images ECR lacks, tagged IMAGE_TAG (needs Docker and push rights)
	$(BIN)/churn-push-images --tag "$(IMAGE_TAG)"

# The model version main serves: the one line of terraform/platform/model.auto.tfvars, read
# by the same function the retrain's bump rewrites it with.
SERVING_VERSION = $(shell $(BIN)/python -c 'from pathlib import Path; from churn.ops.bump_model import current_version; print(current_version(Path(".")))')
ENGINE ?= local
REPORT ?= .cache/score-report

score: setup ## score INPUT into OUTPUT with the bundle main serves under MODELS (ENGINE=local|batch-transform)
	$(BIN)/churn-score --input "$(INPUT)" --output "$(OUTPUT)" --bundle "$(MODELS)/$(SERVING_VERSION)" \
	  --engine "$(ENGINE)" --report "$(REPORT)"

rehearse: setup data terraform ## run the workflows with act: retrain -> pull request -> deploy against moto, then destroy
	$(BIN)/python -m tests.rehearsal --data $(DATA)

format: setup ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

mutation: setup scanners data ## mutation testing of the core modules (mutmut): score per module, survivors; MUTATION_ARGS=--help
	$(BIN)/python -m scripts.mutation $(MUTATION_ARGS)

mutation-show: ## the change one mutant makes: make mutation-show MUTANT=<name make mutation printed>
	cd .cache/mutation/$(firstword $(subst ., ,$(MUTANT))) && $(CURDIR)/$(BIN)/mutmut show $(MUTANT)

bench: setup data browser ## print benchmark figures: training, API, UI, scoring (on the newest bundle)
	$(BIN)/python bench/train.py --data $(DATA)
	PYTHONPATH=. $(BIN)/python bench/api.py --bundle $(ARTIFACTS)
	PYTHONPATH=. $(BIN)/python bench/ui.py --bundle $(ARTIFACTS)
	PYTHONPATH=. $(BIN)/python bench/score.py --data $(DATA) --bundle $(ARTIFACTS)
	PYTHONPATH=. $(BIN)/python bench/idle_cost.py

constraints: ## re-resolve every requirement file afresh and rewrite constraints.txt
	scripts/constraints.sh

base-images: scanners ## pin each Dockerfile's base image still named by tag alone to the tag's digest (needs the registries)
	$(SCANNERS)/bin/pindock run $(DOCKERFILES)

clean: ## remove the virtualenv, caches and local bundles
	rm -rf $(VENV) $(SCANNERS) $(OPS) .cache $(ARTIFACTS) .pytest_cache .mypy_cache .ruff_cache
