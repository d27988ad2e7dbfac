# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: mailops.postfix contributors
"""The helpers every filter file uses: filter_errors and filter_module."""

from __future__ import annotations

import importlib
import pathlib

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_errors, filter_module

FILTERS = sorted(path.stem for path in (pathlib.Path(__file__).parents[4] / "plugins" / "filter").glob("*.py"))


class CheckError(Exception):
    pass


@filter_errors(CheckError, prefix="var: ")
def checked(value, limit=3):
    """Doubles a value up to a limit."""
    if value > limit:
        raise CheckError(f"{value} is over {limit}")
    return value * 2


def test_filter_errors_turns_the_checks_errors_into_filter_errors_and_keeps_the_function():
    assert checked(1) == 2
    assert checked.__name__ == "checked" and checked.__doc__ == "Doubles a value up to a limit."
    with pytest.raises(AnsibleFilterError, match=r"^var: 5 is over 3$"):
        checked(5)
    with pytest.raises(TypeError):
        checked("x", limit=None)


def test_filter_module_offers_the_function_under_its_name():
    assert filter_module(checked)().filters() == {"checked": checked}


@pytest.mark.parametrize("name", FILTERS)
def test_every_filter_file_offers_its_one_filter(name):
    module = importlib.import_module(f"ansible_collections.mailops.postfix.plugins.filter.{name}")
    filters = module.FilterModule().filters()
    assert list(filters) == [name]
    assert filters[name] is getattr(module, name)
