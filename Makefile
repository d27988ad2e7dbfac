# mailops.postfix: the two commands of the README, and their parts.
#
#   make lab    bring up the local lab in containers, converge it, send mail
#               through it and print a report (make lab-destroy removes it)
#   make test   every test: lint, sanity, unit tests and Molecule scenarios
#
# Both install what they need on first use: the Docker engine and the
# tools of tests/host-setup, the Python virtualenv (.venv), the link that
# lets Ansible find this collection, and the Debian images.

SHELL := /bin/bash
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.build/collections
export ANSIBLE_ROLES_PATH := $(CURDIR)/roles
export ANSIBLE_FORCE_COLOR := 0
export PY_COLORS := 0
LINK := .build/collections/ansible_collections/mailops/postfix
# Scenarios run by `make test`, in this order; `site` is the lab of
# `make lab`, run with idempotence.
SCENARIOS ?= platform postfix modules greylisting amavis dns_zones backup_mx dkim dmarc smarthost site

.PHONY: host lab lab-destroy test lint sanity docs unit ee molecule images venv bench
.PHONY: publish tarball importer changelog docsite cores core-venvs

host:
	tests/host-setup

$(BIN)/.installed: tests/requirements.txt requirements.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r tests/requirements.txt
	touch $@

$(LINK):
	mkdir -p $(dir $(LINK))
	ln -sfn ../../../.. $(LINK)

venv: host $(BIN)/.installed $(LINK)

# The baked images of the scenarios (tests/images/build) and the bare ones
# of the lab (tests/images/build-bare).
images: venv
	tests/images/build
	tests/images/build-bare

# Molecule remembers the lab as created even when its containers are gone
# (removed by hand, or by `make test` in another clone): start over then.
# The lab runs the collection as installed from its tarball (tests/tarball),
# made again before each converge.
lab: venv images
	rm -f .build/lab-report.txt
	tests/tarball
	for c in $$(sed -n 's/^  - name: //p' molecule/site/molecule.yml); do \
	  docker inspect $$c >/dev/null 2>&1 || { $(BIN)/molecule destroy -s site; break; }; \
	done
	$(BIN)/molecule converge -s site
	$(BIN)/molecule verify -s site || { cat .build/lab-report.txt 2>/dev/null; exit 1; }
	@echo "=== the lab's report"; cat .build/lab-report.txt

lab-destroy: venv
	$(BIN)/molecule destroy -s site

lint: venv
	$(BIN)/ansible-lint --profile production
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	shellcheck $$(git ls-files 'roles/*/files/*.sh')

sanity: venv
	tests/sanity/run

docs: venv
	tests/docs/build

unit: venv
	$(BIN)/python -m pytest -q tests/unit tests/docs

# The controller requirements as ansible-builder sees them in the tarball,
# and the example execution environment (ansible-builder create: no engine).
ee: venv
	tests/ee/check

molecule: venv images
	set -e; for scenario in $(SCENARIOS); do \
	  echo "=== molecule scenario $$scenario"; \
	  start=$$(date +%s); \
	  ($(BIN)/molecule test -s $$scenario); \
	  echo "=== molecule scenario $$scenario passed in $$(( $$(date +%s) - start )) s"; \
	done

test: lint sanity docs unit ee publish cores molecule
	@echo "make test: all passed"

bench: venv images
	for b in bench/*/run; do echo "=== $$b"; $$b; done

# Publishing: what Galaxy and the users see. `publish` builds the tarball and
# checks its file list, runs Galaxy's importer on it, lints the changelog
# and renders the release in a scratch copy, and builds the docs site.
publish: tarball importer changelog docsite

tarball: venv
	tests/publish/tarball

# galaxy-importer pins ansible-core and ansible-lint versions of its own:
# it gets a virtualenv of its own, and .venv is left alone.
IMPORTER_VENV := .build/importer-venv
$(IMPORTER_VENV)/.installed: tests/publish/importer-requirements.txt
	rm -rf $(IMPORTER_VENV)
	python3 -m venv $(IMPORTER_VENV)
	$(IMPORTER_VENV)/bin/pip install --quiet --upgrade pip
	$(IMPORTER_VENV)/bin/pip install --quiet -r tests/publish/importer-requirements.txt
	touch $@

importer: tarball $(IMPORTER_VENV)/.installed
	tests/publish/importer

changelog: venv
	tests/publish/changelog

docsite: venv
	tests/docsite/build

# Every ansible-core that meta/runtime.yml claims: 2.19 is the one of .venv
# (`make sanity`, `make unit`); the older ones get a virtualenv each.
CORES := 2.17 2.18
.build/core-%/.installed: tests/core-requirements.txt
	rm -rf .build/core-$*
	python3 -m venv .build/core-$*
	.build/core-$*/bin/pip install --quiet --upgrade pip
	.build/core-$*/bin/pip install --quiet "ansible-core==$*.*" -r tests/core-requirements.txt
	touch $@

core-venvs: $(foreach core,$(CORES),.build/core-$(core)/.installed)

cores: venv core-venvs
	set -e; for core in $(CORES); do \
	  echo "=== ansible-core $$core: unit tests"; \
	  .build/core-$$core/bin/python -m pytest -q -p no:cacheprovider tests/unit; \
	  tests/sanity/run --core $$core; \
	done
