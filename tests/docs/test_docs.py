# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The documentation "build": every page's links resolve, and every role
variable and module option is documented where users look for it."""

from __future__ import annotations

import ast
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


@pytest.mark.parametrize("role", ROLES)
def test_role_variables_are_documented(role):
    defaults = yaml.safe_load((TOP / "roles" / role / "defaults" / "main.yml").read_text()) or {}
    specs = yaml.safe_load((TOP / "roles" / role / "meta" / "argument_specs.yml").read_text())
    options = specs["argument_specs"]["main"].get("options", {})
    page = TOP / "docs" / "roles" / f"{role}.md"
    assert page.exists(), f"docs/roles/{role}.md is missing"
    text = page.read_text(encoding="utf-8")
    assert not sorted(set(defaults) - set(options)), (
        f"{role}: defaults without argument_specs: {sorted(set(defaults) - set(options))}"
    )
    assert not sorted(set(options) - set(defaults)), (
        f"{role}: argument_specs without defaults: {sorted(set(options) - set(defaults))}"
    )
    undocumented = [name for name in defaults if f"`{name}`" not in text]
    assert not undocumented, f"docs/roles/{role}.md does not document {undocumented}"


def module_options(path: pathlib.Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "DOCUMENTATION":
            return list((yaml.safe_load(node.value.value).get("options") or {}).keys())
    raise AssertionError(f"{path} has no DOCUMENTATION")


@pytest.mark.parametrize("module", MODULES)
def test_module_options_are_documented(module):
    page = TOP / "docs" / "modules" / f"{module}.md"
    assert page.exists(), f"docs/modules/{module}.md is missing"
    text = page.read_text(encoding="utf-8")
    undocumented = [o for o in module_options(TOP / "plugins" / "modules" / f"{module}.py") if f"`{o}`" not in text]
    assert not undocumented, f"docs/modules/{module}.md does not document {undocumented}"


@pytest.mark.parametrize("module", MODULES)
def test_module_page_links_its_reference(module):
    """The reference itself is rendered and kept current by tests/docs/build."""
    text = (TOP / "docs" / "modules" / f"{module}.md").read_text(encoding="utf-8")
    assert f"](reference/{module}_module.rst)" in text, (
        f"docs/modules/{module}.md does not link to reference/{module}_module.rst"
    )
