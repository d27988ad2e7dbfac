#!/usr/bin/python
# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: postfix_config
short_description: Assemble Postfix's main.cf and master.cf from fragments, validated
version_added: 0.1.0
description:
  - Reads the configuration fragments that the roles of the collection drop in O(fragments_dir), merges
    them (see the architecture documentation), renders C(main.cf) and C(master.cf), validates the new files
    with C(postfix check) and C(postconf) in a staging directory, and only then moves them into place.
  - A configuration that does not validate, that two fragments contradict, or that would make an open relay
    is refused with Postfix's message or the conflict, and the running configuration stays as it was.
  - The roles call this module; you normally do not call it yourself.
extends_documentation_fragment:
  - mailops.postfix.attributes
attributes:
  check_mode:
    details:
      - Nothing is written in check mode; the changed status and the diff are those a real run would report.
      - In check mode the new files are validated too, in a temporary directory outside O(config_dir), so a run with
        C(--check) fails where the real run would.
  diff_mode:
    details:
      - Returns the old and new main.cf and master.cf.
  idempotent:
    details:
      - A second run with the same fragments changes nothing.
options:
  fragments_dir:
    description: Directory of the C(*.json) fragments.
    type: path
    default: /etc/postfix/mailops.d
  config_dir:
    description: Postfix's configuration directory, where C(main.cf) and C(master.cf) are written.
    type: path
    default: /etc/postfix
  name:
    description:
      - The name of the fragment that this call writes or removes (C(O(fragments_dir\)/NAME.json)).
      - The fragment is merged with the others on the host and written only once the merged configuration validates,
        so a bad fragment never stays behind to break the next run.
      - Without O(name), the module only re-assembles the fragments that are on the host.
    type: str
  fragment:
    description:
      - The fragment's content (keys C(priority), C(defaults), C(main), C(override), C(lists), C(master)); see the
        architecture documentation for its schema.
      - Required when O(name) is given and O(state=present).
    type: dict
  state:
    description: Whether the fragment O(name) is present or absent.
    type: str
    choices: [present, absent]
    default: present
  validate:
    description:
      - Run C(postfix check), C(postconf -n) and C(postconf -M) on the new files before installing them.
      - An "unused parameter" warning from C(postconf) (usually a misspelt name) is an error.
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Add greylisting to the recipient restrictions
  mailops.postfix.postfix_config:
    name: greylisting
    fragment:
      priority: 60
      lists:
        smtpd_recipient_restrictions:
          - name: greylisting
            order: 600
            value: check_policy_service inet:127.0.0.1:10023
  notify: Reload postfix

- name: Remove it again
  mailops.postfix.postfix_config:
    name: greylisting
    state: absent
  notify: Reload postfix
"""

RETURN = r"""
fragments:
  description: The fragments merged, in order.
  returned: always
  type: list
  elements: str
  sample: [postfix, greylisting]
main:
  description: The merged main.cf parameters.
  returned: always
  type: dict
restart_required:
  description: True when a parameter changed that needs Postfix stopped and started, not only reloaded (e.g. inet_interfaces).
  returned: always
  type: bool
"""

import glob
import json
import os
import re
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mailops.postfix.plugins.module_utils import _cmd
from ansible_collections.mailops.postfix.plugins.module_utils._postfix_config import (
    ConfigError,
    merge_fragments,
    normalize_fragment,
    parse_main_cf,
    render_main_cf,
    render_master_cf,
    restart_required,
)

FRAGMENT_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return ""


def load_fragments(module: AnsibleModule, fragments_dir: str, skip: str | None) -> list[dict]:
    fragments = []
    for path in sorted(glob.glob(os.path.join(fragments_dir, "*.json"))):
        if skip and os.path.basename(path) == f"{skip}.json":
            continue
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as exc:
            module.fail_json(msg=f"cannot read fragment {path}: {exc}")
        try:
            fragments.append(normalize_fragment(data, os.path.basename(path)))
        except ConfigError as exc:
            module.fail_json(msg=f"{path}: {exc}")
    return fragments


def validate(module: AnsibleModule, stage: str) -> None:
    """Run Postfix's own checks on the staged configuration directory."""
    checks = (
        ["postfix", "-c", stage, "check"],
        ["postconf", "-c", stage, "-n"],
        ["postconf", "-c", stage, "-M"],
    )
    for cmd in checks:
        rc, out, err = _cmd.run(module, cmd, check_rc=False)
        problems = [line for line in err.splitlines() if "warning" in line or "fatal" in line or "error" in line]
        if rc != 0 or problems:
            module.fail_json(
                msg="the new Postfix configuration does not validate; the running configuration was left as it was: "
                + ("; ".join(problems) or err.strip() or out.strip()),
                **_cmd.failure_details(cmd, rc, out, err),
            )


def stage(module: AnsibleModule, files: dict[str, str], directory: str | None, check: bool) -> str:
    """Write main.cf and master.cf to a new staging directory and validate them there."""
    staged = tempfile.mkdtemp(prefix=".mailops-stage-", dir=directory)
    try:
        os.chmod(staged, 0o755)
        for name in ("main.cf", "master.cf"):
            with open(os.path.join(staged, name), "w", encoding="utf-8") as handle:
                handle.write(files[name])
            os.chmod(os.path.join(staged, name), 0o644)
        if check:
            validate(module, staged)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def install(module: AnsibleModule, config_dir: str, files: dict[str, str], check: bool) -> None:
    """Stage, validate and move main.cf and master.cf into place."""
    staged = stage(module, files, config_dir, check)
    try:
        # master.cf first: main.cf is what Postfix reads to decide it is configured.
        for name in ("master.cf", "main.cf"):
            module.atomic_move(os.path.join(staged, name), os.path.join(config_dir, name))
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def dry_run(module: AnsibleModule, files: dict[str, str], check: bool) -> None:
    """Check mode: validate in a temporary directory outside config_dir, install nothing."""
    if check:
        shutil.rmtree(stage(module, files, None, check), ignore_errors=True)


def write_fragment(module: AnsibleModule, fragments_dir: str, path: str, content: str) -> None:
    """Write (or, for empty content, remove) one fragment atomically."""
    if not content:
        os.unlink(path)
        return
    os.makedirs(fragments_dir, mode=0o755, exist_ok=True)
    handle, staged = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=fragments_dir)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(content)
    os.chmod(staged, 0o644)
    module.atomic_move(staged, path)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "fragments_dir": {"type": "path", "default": "/etc/postfix/mailops.d"},
            "config_dir": {"type": "path", "default": "/etc/postfix"},
            "name": {"type": "str"},
            "fragment": {"type": "dict"},
            "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
            "validate": {"type": "bool", "default": True},
        },
        required_by={"fragment": "name"},
        supports_check_mode=True,
    )
    fragments_dir = module.params["fragments_dir"]
    config_dir = module.params["config_dir"]
    name = module.params["name"]
    state = module.params["state"]
    if name is not None and not FRAGMENT_NAME.match(name):
        module.fail_json(msg=f"name must be letters, digits, '_' or '-', got {name!r}")
    if name and state == "present" and module.params["fragment"] is None:
        module.fail_json(msg=f"fragment is required to add fragment {name}")

    fragments = load_fragments(module, fragments_dir, skip=name)
    fragment_path = os.path.join(fragments_dir, f"{name}.json") if name else None
    old_fragment = read_text(fragment_path) if fragment_path else ""
    new_fragment = old_fragment
    try:
        if name and state == "present":
            content = dict(module.params["fragment"], name=name)
            fragments.append(normalize_fragment(content, name))
            new_fragment = json.dumps(content, indent=2, sort_keys=True) + "\n"
        elif name:
            new_fragment = ""
        if not fragments:
            module.fail_json(msg=f"no fragments in {fragments_dir}: apply the mailops.postfix.postfix role first")
        merged = merge_fragments(fragments)
    except ConfigError as exc:
        module.fail_json(msg=f"cannot assemble the Postfix configuration from {fragments_dir}: {exc}")

    new = {
        "main.cf": render_main_cf(merged["main"], fragments_dir),
        "master.cf": render_master_cf(merged["master"], fragments_dir),
    }
    old = {file: read_text(os.path.join(config_dir, file)) for file in new}
    changed = old != new
    result = {
        "changed": changed or old_fragment != new_fragment,
        "fragments": merged["fragments"],
        "main": merged["main"],
        "restart_required": changed and restart_required(parse_main_cf(old["main.cf"]), merged["main"]),
    }
    if module._diff:
        result["diff"] = [
            {
                "before_header": os.path.join(config_dir, file),
                "after_header": os.path.join(config_dir, file),
                "before": old[file],
                "after": new[file],
            }
            for file in new
            if old[file] != new[file]
        ]
    if module.check_mode:
        # Validate what would be installed, so that --check refuses what the real run would refuse.
        if changed:
            dry_run(module, new, module.params["validate"])
        module.exit_json(**result)
    if changed:
        install(module, config_dir, new, module.params["validate"])
    if fragment_path and old_fragment != new_fragment:
        write_fragment(module, fragments_dir, fragment_path, new_fragment)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
