# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: mailops.postfix contributors
from __future__ import annotations

from ansible_collections.mailops.postfix.plugins.filter import stale_fragments as plugin
from ansible_collections.mailops.postfix.plugins.filter.stale_fragments import stale_fragments

FILES = [
    "/etc/postfix/mailops.d/postfix.json",
    "/etc/postfix/mailops.d/greylisting.json",
    "/etc/postfix/mailops.d/amavis.json",
    "/etc/postfix/mailops.d/removed_role.json",
]


def test_fragments_of_the_play_roles_are_kept():
    roles = ["mailops.postfix.platform", "mailops.postfix.postfix", "mailops.postfix.greylisting"]
    assert stale_fragments(FILES, roles) == ["amavis", "removed_role"]


def test_fragments_applied_earlier_in_the_run_are_kept():
    assert stale_fragments(FILES, ["postfix"], ["amavis", "greylisting"]) == ["removed_role"]


def test_names_without_directory_or_suffix_and_nothing_stale():
    assert stale_fragments(["postfix", "tls.json"], ["postfix", "tls"], None) == []
    assert stale_fragments([], ["postfix"]) == []


def test_one_file_one_filter():
    assert list(plugin.FilterModule().filters()) == ["stale_fragments"]
    assert "\nname: stale_fragments\n" in plugin.DOCUMENTATION
