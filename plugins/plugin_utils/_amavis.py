# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The amavis role's check of its spam levels: the pure function behind
plugins/filter/amavis_spam_level_problems.py, which runs on the
controller. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

GLOBAL = "amavis_spam_tag_level, amavis_spam_tag2_level, amavis_spam_kill_level"


def _level(value, where: str, name: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise AnsibleFilterError(f"{where}: the {name} level {value!r} is not a number") from None


def _problems(where: str, tag, tag2, kill) -> list[str]:
    levels = {
        name: (value, _level(value, where, name)) for name, value in (("tag", tag), ("tag2", tag2), ("kill", kill))
    }
    problems = []
    for high, low in (("kill", "tag"), ("kill", "tag2"), ("tag2", "tag")):
        if levels[high][1] < levels[low][1]:
            problems.append(
                f"{where}: the spam levels must rise from tag to tag2 to kill, but the {high} level"
                f" {levels[high][0]} is below the {low} level {levels[low][0]}"
            )
    return problems


def amavis_spam_level_problems(policies, tag, tag2, kill) -> list[str]:
    """One message for each pair of spam levels out of order: the global
    levels, then each domain policy's levels (a level the policy leaves
    out, or sets to null, is the global one)."""
    if policies is None:
        policies = []
    if isinstance(policies, (str, bytes, Mapping)) or not hasattr(policies, "__iter__"):
        raise AnsibleFilterError(f"amavis_domain_policies: expected a list, got {type(policies).__name__}")
    problems = _problems(GLOBAL, tag, tag2, kill)
    for policy in policies:
        if not isinstance(policy, Mapping):
            raise AnsibleFilterError(f"amavis_domain_policies: expected a policy (a dict), got {type(policy).__name__}")

        def level(key, default, policy=policy):
            value = policy.get(key)
            return default if value is None else value

        problems += _problems(
            f"amavis_domain_policies, domain {policy.get('domain')}",
            level("spam_tag_level", tag),
            level("spam_tag2_level", tag2),
            level("spam_kill_level", kill),
        )
    return problems
