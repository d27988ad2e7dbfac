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
SCENARIOS ?= postfix modules greylisting amavis dns_zones backup_mx smarthost site

.PHONY: host lab lab-destroy test lint sanity docs unit molecule images venv bench

host:
	tests/host-setup

$(BIN)/.installed: tests/requirements.txt
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

sanity: venv
	tests/sanity

docs: venv
	tests/docs/build

unit: venv
	$(BIN)/python -m pytest -q tests/unit tests/docs

molecule: venv images
	set -e; for scenario in $(SCENARIOS); do \
	  echo "=== molecule scenario $$scenario"; \
	  start=$$(date +%s); \
	  ($(BIN)/molecule test -s $$scenario); \
	  echo "=== molecule scenario $$scenario passed in $$(( $$(date +%s) - start )) s"; \
	done

test: lint sanity docs unit molecule
	@echo "make test: all passed"

bench: venv images
	for b in bench/*/run; do echo "=== $$b"; $$b; done
