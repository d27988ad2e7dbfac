# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The documentation "build": every page's links resolve; every role variable
is documented once, in its role's meta/argument_specs.yml, from which
tests/docs/build renders the reference; the guides link to the references
and do not list the variables or options again."""

from __future__ import annotations

import pathlib
import re

import pytest
import yaml

TOP = pathlib.Path(__file__).resolve().parents[2]
PAGES = sorted(
    [
        TOP / "README.md",
        *(TOP / "docs").rglob("*.md"),
        *(TOP / "docs").rglob("*.rst"),
        *(TOP / "roles").glob("*/README.md"),
    ]
)
ROLES = sorted(p.name for p in (TOP / "roles").iterdir() if (p / "defaults" / "main.yml").exists())
MODULES = sorted(p.stem for p in (TOP / "plugins" / "modules").glob("*.py"))
LINK = re.compile(r"\]\(([^)\s]+)\)")
# In RST: `text <target>`_ (a target ending in "_" names a label in the page)
# and the href of the HTML tables that antsibull-docs renders.
RST_LINK = re.compile(r"`[^`]*<([^<>`\s]+[^_<>`\s])>`_|href=\"([^\"]+)\"")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(TOP)))
def test_links_resolve(page):
    broken = []
    text = page.read_text(encoding="utf-8")
    targets = LINK.findall(text) if page.suffix == ".md" else ["".join(m) for m in RST_LINK.findall(text)]
    for target in targets:
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        path = (page.parent / target.split("#", 1)[0]).resolve()
        if not path.exists():
            broken.append(target)
    assert not broken, f"{page.relative_to(TOP)}: broken links {broken}"


def undescribed(options: dict, where: str) -> list[str]:
    """The options (and sub-options, at any depth) without a description."""
    missing = []
    for name, spec in (options or {}).items():
        if not spec.get("description"):
            missing.append(f"{where}{name}")
        missing += undescribed(spec.get("options"), f"{where}{name}.")
    return missing


@pytest.mark.parametrize("role", ROLES)
def test_role_variables_are_documented(role):
    """argument_specs is the one place a variable is described: it must
    declare every default, nothing else, and describe each (the reference
    renders these descriptions)."""
    defaults = yaml.safe_load((TOP / "roles" / role / "defaults" / "main.yml").read_text()) or {}
    specs = yaml.safe_load((TOP / "roles" / role / "meta" / "argument_specs.yml").read_text())
    options = specs["argument_specs"]["main"].get("options", {})
    assert not sorted(set(defaults) - set(options)), (
        f"{role}: defaults without argument_specs: {sorted(set(defaults) - set(options))}"
    )
    assert not sorted(set(options) - set(defaults)), (
        f"{role}: argument_specs without defaults: {sorted(set(options) - set(defaults))}"
    )
    assert not undescribed(options, ""), f"{role}: argument_specs without a description: {undescribed(options, '')}"


@pytest.mark.parametrize("role", ROLES)
def test_role_page_links_its_reference(role):
    """The reference itself is rendered and kept current by tests/docs/build."""
    page = TOP / "docs" / "roles" / f"{role}.md"
    assert page.exists(), f"docs/roles/{role}.md is missing"
    text = page.read_text(encoding="utf-8")
    assert f"](reference/{role}_role.rst)" in text, f"docs/roles/{role}.md does not link to reference/{role}_role.rst"


# A table whose first column is headed "variable", "option" or "key" lists
# variables, options or return values by hand: that is the reference's job.
LISTING = re.compile(r"^\|\s*(variable|option|key)\s*\|", re.MULTILINE | re.IGNORECASE)


@pytest.mark.parametrize(
    "page",
    sorted([*(TOP / "docs" / "roles").glob("*.md"), *(TOP / "docs" / "modules").glob("*.md")]),
    ids=lambda p: str(p.relative_to(TOP)),
)
def test_guides_do_not_repeat_the_reference(page):
    listing = LISTING.search(page.read_text(encoding="utf-8"))
    assert not listing, (
        f"{page.relative_to(TOP)} lists a {listing.group(1)} per row in a table; link to the reference instead"
    )


@pytest.mark.parametrize("module", MODULES)
def test_module_page_links_its_reference(module):
    """The reference itself is rendered and kept current by tests/docs/build."""
    text = (TOP / "docs" / "modules" / f"{module}.md").read_text(encoding="utf-8")
    assert f"](reference/{module}_module.rst)" in text, (
        f"docs/modules/{module}.md does not link to reference/{module}_module.rst"
    )
