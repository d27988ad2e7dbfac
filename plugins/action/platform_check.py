# Copyright: mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Stop a role on a host that is not a release of Debian the collection supports.

Run by the role mailops.postfix.platform, the first dependency of every role
of the collection. It reads the host's distribution facts, gathers the
minimal subset of facts when the play did not gather facts (the roles read
the distribution and the fqdn), and fails before the role changes
anything when the host is not Debian 12 or 13, naming what the host runs.
The decision is the pure function platform_problem().
"""

from __future__ import annotations

import typing as t

from ansible_collections.mailops.postfix.plugins.plugin_utils._action import CollectionAction

# The one place that says which releases the collection supports.
SUPPORTED: dict[str, tuple[str, ...]] = {"Debian": ("12", "13")}

# What the setup module gathers when the play gathered no facts: the minimal
# subset (distribution, fqdn, package and service managers; no hardware or
# network scan), which is what the roles read.
GATHER_SUBSET = ["!all"]

FACTS = ("distribution", "distribution_version", "distribution_major_version", "distribution_release")


def fact(facts: t.Mapping[str, t.Any], name: str) -> str:
    """A fact as a string, from gathered (C(distribution)) or raw setup (C(ansible_distribution)) keys."""
    value = facts.get(name, facts.get(f"ansible_{name}"))
    return "" if value is None else str(value).strip()


def has_distribution(facts: t.Mapping[str, t.Any]) -> bool:
    return bool(fact(facts, "distribution"))


def describe(facts: t.Mapping[str, t.Any]) -> str:
    """What the host runs, as a person would say it: C(Debian 11.11 (bullseye)), C(Ubuntu 24.04 (noble))."""
    distribution = fact(facts, "distribution") or "an unknown system"
    version = fact(facts, "distribution_version")
    release = fact(facts, "distribution_release")
    text = distribution
    if version and version.upper() not in ("NA", "N/A"):
        text += f" {version}"
    if release and release.upper() not in ("NA", "N/A") and release not in version:
        text += f" ({release})"
    return text


def supported_text(supported: t.Mapping[str, t.Sequence[str]] | None = None) -> str:
    """C(Debian 12 or 13)."""
    supported = SUPPORTED if supported is None else supported
    parts = []
    for distribution, versions in supported.items():
        versions = list(versions)
        numbers = versions[0] if len(versions) == 1 else ", ".join(versions[:-1]) + f" or {versions[-1]}"
        parts.append(f"{distribution} {numbers}")
    return " or ".join(parts)


def platform_problem(
    facts: t.Mapping[str, t.Any], supported: t.Mapping[str, t.Sequence[str]] | None = None
) -> str | None:
    """None on a supported host; otherwise what the host runs and what is supported.

    Compares the distribution (exactly) and the major version: Debian 12.8 is
    Debian 12. A Debian testing or unstable host, whose version is a code
    name such as C(forky/sid), is not a supported release.
    """
    supported = SUPPORTED if supported is None else supported
    distribution = fact(facts, "distribution")
    major = fact(facts, "distribution_major_version")
    if distribution in supported and major in [str(v) for v in supported[distribution]]:
        return None
    return f"it runs {describe(facts)}; the collection supports {supported_text(supported)}"


def applied_role(task) -> str:
    """The role the user applied, for the message: C(role mailops.postfix.amavis).

    The check runs in the role mailops.postfix.platform, a dependency of every
    role: the first role of its dependency chain is the one the play named.
    """
    chain = task.get_dep_chain() or []
    role = chain[0] if chain else task._role
    return f"role {role.get_name()}" if role else "this task"


class ActionModule(CollectionAction):
    def act(self, result, args, task_vars):
        facts = task_vars.get("ansible_facts") or {}
        if not has_distribution(facts):
            setup = self._execute_module(
                module_name="ansible.legacy.setup",
                module_args={"gather_subset": GATHER_SUBSET},
                task_vars=task_vars,
            )
            if setup.get("failed"):
                setup["msg"] = (
                    f"could not read the host's distribution facts: {setup.get('msg', 'the setup module failed')}"
                )
                return setup
            facts = setup.get("ansible_facts") or {}
            # Kept as the host's facts (on success), so the roles can read them.
            result["ansible_facts"] = facts

        who = applied_role(self._task)
        host = task_vars.get("inventory_hostname", "the host")
        problem = platform_problem(facts)
        result["changed"] = False
        result["platform"] = {name: fact(facts, name) for name in FACTS}
        if problem:
            result["failed"] = True
            result["msg"] = f"{who} stops on {host}: {problem}. Nothing was changed on the host."
        else:
            result["msg"] = f"{host} runs {describe(facts)}"
        return result
