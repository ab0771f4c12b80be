# One entry point for people, hooks and CI. `make run` and `make test` are the two
# commands in the README; both set up what they need first.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV      := .venv
BIN       := $(VENV)/bin
DATA      ?= ../shared/data/telco-customer-churn.csv
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
ROOTS     := bootstrap pipeline platform
ROOT      ?= platform
# Pull-request plans read state without taking the lock (their role may only read).
PLAN_LOCK ?= true
PLAN_DIR  ?= .cache/plans

.PHONY: help setup scanners run serve train test browser terraform lint tf-check scan plan apply images rehearse format constraints bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

setup: $(STAMP) ## create .venv with every pinned dependency (idempotent)

$(STAMP): pyproject.toml constraints.txt requirements/*.txt src/*/requirements.txt scripts/setup.sh
	scripts/setup.sh
	@touch $@

scanners: $(SCANNERS_STAMP) ## create .venv-scanners: checkov, zizmor, check-jsonschema, actionlint

$(SCANNERS_STAMP): requirements/scanners/requirements.txt requirements/scanners/constraints.txt scripts/setup-scanners.sh
	scripts/setup-scanners.sh
	@touch $@

train: setup ## train on $(DATA) and write a bundle under $(ARTIFACTS)/
	$(BIN)/churn-train --data $(DATA) --output $(ARTIFACTS)

run: train ## set up, train on the real data, serve the API (:8000) and the UI (:8501)
	scripts/serve.sh $(ARTIFACTS)

serve: setup ## serve the newest bundle under $(ARTIFACTS)/ without retraining
	scripts/serve.sh $(ARTIFACTS)

test: setup scanners lint browser terraform ## lint, type-check and run every test
	$(BIN)/pytest

terraform: ## write the Terraform CLI config that uses this machine's provider mirror
	scripts/terraform-config.sh

browser: ## install Debian's Chromium for the browser tests (needs root or sudo)
	scripts/setup-browser.sh

# mypy resolves `churn.*` through a link named churn -> src, since the package is mapped
# onto src/ and mypy cannot follow setuptools' editable import hook.
lint: setup ## ruff, ruff format --check, mypy --strict
	@mkdir -p $(TYPECHECK_ROOT) && ln -sfn ../../src $(TYPECHECK_ROOT)/churn
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(TYPECHECK_ROOT)/churn tests bench policies

tf-check: ## terraform fmt -check and validate of every root (no backend, no credentials)
	terraform fmt -check -recursive -diff terraform
	@for root in $(ROOTS); do \
	  echo "validate terraform/$$root"; \
	  terraform -chdir=terraform/$$root init -backend=false -input=false >/dev/null; \
	  terraform -chdir=terraform/$$root validate -no-color; \
	done

scan: scanners ## checkov over terraform/ with the built-in checks and policies/ (CHECKOV_OUTPUT adds reports)
	$(SCANNERS)/bin/checkov --directory terraform --framework terraform --external-checks-dir policies \
	  --skip-download --compact --quiet $(CHECKOV_OUTPUT)

plan: ## terraform plan of ROOT into PLAN_DIR/ROOT.tfplan and its JSON (AWS credentials from the environment)
	@mkdir -p $(PLAN_DIR)
	terraform -chdir=terraform/$(ROOT) init -input=false
	terraform -chdir=terraform/$(ROOT) plan -input=false -lock=$(PLAN_LOCK) -out=$(CURDIR)/$(PLAN_DIR)/$(ROOT).tfplan
	terraform -chdir=terraform/$(ROOT) show -json $(CURDIR)/$(PLAN_DIR)/$(ROOT).tfplan > $(PLAN_DIR)/$(ROOT).json

apply: ## apply the plan `make plan` saved for ROOT (nothing else: what was reviewed is what runs)
	terraform -chdir=terraform/$(ROOT) apply -input=false $(CURDIR)/$(PLAN_DIR)/$(ROOT).tfplan

images: ## build the training, API and UI images and push them to ECR with tag IMAGE_TAG (needs Docker)
	scripts/push-images.sh "$(IMAGE_TAG)"

rehearse: train terraform ## dress rehearsal: every stack applied, re-planned and destroyed against moto
	$(BIN)/churn-rehearse --bundle $(ARTIFACTS)

format: setup ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup browser ## print benchmark figures: training, API, UI (on the newest bundle)
	$(BIN)/python bench/train.py --data $(DATA)
	PYTHONPATH=. $(BIN)/python bench/api.py --bundle $(ARTIFACTS)
	PYTHONPATH=. $(BIN)/python bench/ui.py --bundle $(ARTIFACTS)

constraints: ## re-resolve every requirement file afresh and rewrite constraints.txt
	scripts/constraints.sh

clean: ## remove the virtualenv, caches and local bundles
	rm -rf $(VENV) $(SCANNERS) .cache $(ARTIFACTS) .pytest_cache .mypy_cache .ruff_cache
