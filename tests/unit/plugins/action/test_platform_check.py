# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: mailops.postfix contributors
from __future__ import annotations

from unittest import mock

import pytest

from ansible_collections.mailops.postfix.plugins.action import platform_check
from ansible_collections.mailops.postfix.plugins.action.platform_check import (
    describe,
    platform_problem,
    supported_text,
)


def facts(distribution, version, major, release):
    return {
        "distribution": distribution,
        "distribution_version": version,
        "distribution_major_version": major,
        "distribution_release": release,
    }


@pytest.mark.parametrize(
    "host",
    [
        facts("Debian", "12.8", "12", "bookworm"),
        facts("Debian", "13.2", "13", "trixie"),
        facts("Debian", "13", "13", "trixie"),
        # raw setup output, before Ansible strips the prefix
        {"ansible_distribution": "Debian", "ansible_distribution_major_version": "12"},
    ],
)
def test_supported_releases_pass(host):
    assert platform_problem(host) is None


@pytest.mark.parametrize(
    "host, message",
    [
        (
            facts("Debian", "11.11", "11", "bullseye"),
            "it runs Debian 11.11 (bullseye); the collection supports Debian 12 or 13",
        ),
        (facts("Debian", "14", "14", "forky"), "it runs Debian 14 (forky)"),
        (facts("Debian", "forky/sid", "forky/sid", "NA"), "it runs Debian forky/sid;"),
        (facts("Ubuntu", "24.04", "24", "noble"), "it runs Ubuntu 24.04 (noble);"),
        (facts("RedHat", "9.4", "9", "Plow"), "it runs RedHat 9.4 (Plow);"),
        # Debian's major version with another distribution's name is not Debian
        (facts("Devuan", "5.0", "12", "daedalus"), "it runs Devuan 5.0 (daedalus);"),
        ({}, "it runs an unknown system;"),
    ],
)
def test_other_hosts_are_named(host, message):
    problem = platform_problem(host)
    assert problem is not None and message in problem


def test_release_already_in_the_version_is_not_repeated():
    assert describe(facts("Debian", "trixie/sid", "trixie/sid", "trixie")) == "Debian trixie/sid"


def test_supported_text():
    assert supported_text({"Debian": ("12", "13")}) == "Debian 12 or 13"
    assert supported_text({"Debian": ("11", "12", "13")}) == "Debian 11, 12 or 13"
    assert supported_text({"Debian": ("13",)}) == "Debian 13"


def role(name):
    r = mock.MagicMock()
    r.get_name.return_value = name
    return r


def action(chain=(), role_name="mailops.postfix.platform"):
    task = mock.MagicMock()
    task.async_val = 0
    task.check_mode = False
    task.args = {}
    task._role = role(role_name) if role_name else None
    task.get_dep_chain.return_value = [role(name) for name in chain] or None
    plugin = platform_check.ActionModule(
        task, mock.MagicMock(), mock.MagicMock(), loader=None, templar=None, shared_loader_obj=None
    )
    return plugin


def test_action_uses_gathered_facts_without_running_setup():
    plugin = action()
    with mock.patch.object(plugin, "_execute_module") as execute:
        result = plugin.run(
            task_vars={"inventory_hostname": "mx1", "ansible_facts": facts("Debian", "12.8", "12", "bookworm")}
        )
    execute.assert_not_called()
    assert not result.get("failed") and result["changed"] is False
    assert result["msg"] == "mx1 runs Debian 12.8 (bookworm)"
    assert "ansible_facts" not in result


def test_action_gathers_the_minimal_subset_when_facts_are_missing_and_fails():
    plugin = action(chain=["mailops.postfix.postfix"])
    raw = {
        "ansible_distribution": "Debian",
        "ansible_distribution_version": "11.11",
        "ansible_distribution_major_version": "11",
        "ansible_distribution_release": "bullseye",
    }
    with mock.patch.object(plugin, "_execute_module", return_value={"ansible_facts": raw}) as execute:
        result = plugin.run(task_vars={"inventory_hostname": "old1", "ansible_facts": {}})
    assert execute.call_args.kwargs["module_args"] == {"gather_subset": ["!all"]}
    assert result["failed"] is True
    assert result["msg"] == (
        "role mailops.postfix.postfix stops on old1: it runs Debian 11.11 (bullseye); "
        "the collection supports Debian 12 or 13. Nothing was changed on the host."
    )
    assert result["ansible_facts"] == raw
    assert result["platform"]["distribution_release"] == "bullseye"


def test_action_reports_a_failed_setup():
    plugin = action()
    with mock.patch.object(plugin, "_execute_module", return_value={"failed": True, "msg": "boom"}):
        result = plugin.run(task_vars={"inventory_hostname": "h"})
    assert result["failed"] and result["msg"] == "could not read the host's distribution facts: boom"


@pytest.mark.parametrize(
    "chain, role_name, who",
    [
        # amavis applied: amavis -> platform, the first of the chain is named
        (
            ["mailops.postfix.amavis", "mailops.postfix.postfix"],
            "mailops.postfix.platform",
            "role mailops.postfix.amavis",
        ),
        # the platform role applied alone
        ([], "mailops.postfix.platform", "role mailops.postfix.platform"),
        # the module as a task of a play
        ([], None, "this task"),
    ],
)
def test_the_message_names_the_role_the_play_applied(chain, role_name, who):
    plugin = action(chain=chain, role_name=role_name)
    result = plugin.run(task_vars={"inventory_hostname": "h", "ansible_facts": facts("Ubuntu", "24.04", "24", "noble")})
    assert result["msg"].startswith(f"{who} stops on h: it runs Ubuntu 24.04 (noble);")
