# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run external commands from modules in one consistent way.

Private to the collection. Every command goes through :func:`run`:

* the binary is found with ``get_bin_path(required=True)`` (so a missing
  package fails with a clear message instead of ``No such file``);
* arguments are always a list (never a shell string);
* the locale is ``C`` so that messages can be parsed;
* the return code is handled explicitly: with ``check_rc=True`` a non-zero
  code fails the module with ``msg``, ``rc``, ``stdout``, ``stderr`` and
  ``cmd``; with ``check_rc=False`` the caller decides.
"""

from __future__ import annotations

import shlex
import typing as t

if t.TYPE_CHECKING:
    from ansible.module_utils.basic import AnsibleModule


C_LOCALE = {"LANG": "C", "LC_ALL": "C", "LC_MESSAGES": "C", "LANGUAGE": "C"}


def bin_path(module: AnsibleModule, name: str) -> str:
    """Return the absolute path of ``name``; fail the module if it is not installed.

    Results are cached on the module object, so looking a binary up for every
    table of a call costs one search.
    """
    cache: dict[str, str] = module.__dict__.setdefault("_mailops_bin_cache", {})
    if name not in cache:
        cache[name] = module.get_bin_path(name, required=True)
    return cache[name]


def command_line(args: t.Sequence[str]) -> str:
    """Return ``args`` as a copy-and-pasteable shell command line (for messages)."""
    return " ".join(shlex.quote(str(arg)) for arg in args)


def run(
    module: AnsibleModule,
    args: t.Sequence[str],
    data: str | None = None,
    check_rc: bool = True,
    fail_msg: str | None = None,
    ok_rc: t.Container[int] = (0,),
    umask: int | None = None,
    cwd: str | None = None,
) -> tuple[int, str, str]:
    """Run ``args`` and return ``(rc, stdout, stderr)``.

    ``args[0]`` may be a bare program name: it is resolved with
    :func:`bin_path`. ``data`` is written to standard input (no newline is
    added). With ``check_rc`` an ``rc`` outside ``ok_rc`` fails the module; the
    message is ``fail_msg`` (or a generic one) followed by the command's first
    line of error output.
    """
    argv = [str(arg) for arg in args]
    if not argv:
        raise ValueError("run() needs at least the program name")
    if "/" not in argv[0]:
        argv[0] = bin_path(module, argv[0])
    rc, out, err = module.run_command(
        argv,
        data=data,
        binary_data=True,
        environ_update=dict(C_LOCALE),
        umask=umask,
        cwd=cwd,
        errors="surrogate_or_replace",
        check_rc=False,
    )
    if check_rc and rc not in ok_rc:
        module.fail_json(
            msg=failure_message(argv, rc, err, out, fail_msg),
            rc=rc,
            stdout=out,
            stderr=err,
            cmd=command_line(argv),
        )
    return rc, out, err


def failure_message(argv: t.Sequence[str], rc: int, err: str, out: str, fail_msg: str | None = None) -> str:
    """Build the message for a failed command: what ran, its code, and why."""
    detail = first_line(err) or first_line(out) or "no output"
    head = fail_msg or f"Command {command_line(argv)} failed"
    return f"{head} (rc={rc}): {detail}"


def first_line(text: str | None) -> str:
    """Return the first non-blank line of ``text``, stripped ('' if none)."""
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""
