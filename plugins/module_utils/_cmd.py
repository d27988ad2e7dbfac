# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run external commands from modules in one consistent way.

Private to the collection. Every command of every module goes through this
file: :func:`run` for a command that runs to its end, :func:`stream` for one
whose standard output is read a line at a time as it comes (``postqueue
-j``), :func:`feed` for one whose standard input is written a line at a time
(``postsuper -d -``). All three share these rules:

* the binary is found with ``get_bin_path(required=True)`` (so a missing
  package fails with a clear message instead of ``No such file``);
* arguments are always a list (never a shell string);
* the locale is ``C`` so that messages can be parsed;
* the return code is handled explicitly: with ``check_rc=True`` a non-zero
  code fails the module with ``msg``, ``rc``, ``stdout``, ``stderr`` and
  ``cmd``; with ``check_rc=False`` the caller decides.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import typing as t

if t.TYPE_CHECKING:
    from ansible.module_utils.basic import AnsibleModule


C_LOCALE = {"LANG": "C", "LC_ALL": "C", "LC_MESSAGES": "C", "LANGUAGE": "C"}
# The most of a command's output a message or a result carries: postsuper
# prints a line per message, and a failure should stay readable.
MAX_OUTPUT = 4000


def bin_path(module: AnsibleModule, name: str, required: bool = True) -> str | None:
    """Return the absolute path of ``name``; fail the module if it is not installed.

    With ``required=False`` a missing program gives ``None`` instead, for the
    caller to warn. Results are cached on the module object, so looking a
    binary up for every table of a call costs one search.
    """
    cache: dict[str, str | None] = module.__dict__.setdefault("_mailops_bin_cache", {})
    if cache.get(name) is None:
        cache[name] = module.get_bin_path(name, required=required)
    return cache[name]


def argv_of(module: AnsibleModule, args: t.Sequence[t.Any]) -> list[str]:
    """Return ``args`` as a list of strings, the program resolved with :func:`bin_path`."""
    argv = [str(arg) for arg in args]
    if not argv:
        raise ValueError("a command needs at least the program name")
    if "/" not in argv[0]:
        argv[0] = bin_path(module, argv[0])
    return argv


def environ() -> dict[str, str]:
    """The environment for a command started outside ``run_command``: ours, in the C locale."""
    return dict(os.environ, **C_LOCALE)


def tail(text: str, limit: int = MAX_OUTPUT) -> str:
    """Return the end of ``text``, at most ``limit`` characters, marked when cut."""
    return text if len(text) <= limit else "...\n" + text[-limit:]


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
    argv = argv_of(module, args)
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
        module.fail_json(msg=failure_message(argv, rc, err, out, fail_msg), **failure_details(argv, rc, out, err))
    return rc, out, err


def failure_details(argv: t.Sequence[str], rc: int, out: str, err: str) -> dict[str, t.Any]:
    """What a failed command adds to fail_json: ``rc``, the tails of ``stdout`` and ``stderr``, and ``cmd``."""
    return {"rc": rc, "stdout": tail(out), "stderr": tail(err), "cmd": command_line(argv)}


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


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


class LineSource:
    """A running command whose standard output is read one decoded line at a time.

    stderr goes to a temporary file, so a command that writes much to it can
    never block on a full pipe. After the iteration, close() returns
    (rc, stderr). Used as a context manager, the command is killed if the
    consumer stops early with an exception.
    """

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self._errors = tempfile.TemporaryFile()  # pylint: disable=consider-using-with
        self._proc = subprocess.Popen(  # pylint: disable=consider-using-with
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._errors, env=environ(), close_fds=True
        )

    def __iter__(self) -> t.Iterator[str]:
        for raw in self._proc.stdout:
            yield _decode(raw)

    def close(self) -> tuple[int, str]:
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        rc = self._proc.wait()
        self._errors.seek(0)
        stderr = _decode(self._errors.read())
        self._errors.close()
        return rc, stderr

    def __enter__(self) -> LineSource:
        return self

    def __exit__(self, exc_type: t.Any, exc: t.Any, tb: t.Any) -> None:
        if exc_type is not None and self._proc.poll() is None:
            self._proc.kill()
            self.close()


class LineSink:
    """A running command whose standard input is written one line at a time, such as ``postsuper -d -``.

    stdout and stderr go to temporary files: postsuper prints a line per
    message, and with pipes that nobody reads while ids are still being
    written, a large batch would deadlock. close() ends the input and returns
    (rc, stdout, stderr). Writing to a command that has died does not raise;
    close() then reports its status.
    """

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.lines = 0
        self._broken = False
        self._out = tempfile.TemporaryFile()  # pylint: disable=consider-using-with
        self._err = tempfile.TemporaryFile()  # pylint: disable=consider-using-with
        self._proc = subprocess.Popen(  # pylint: disable=consider-using-with
            argv, stdin=subprocess.PIPE, stdout=self._out, stderr=self._err, env=environ(), close_fds=True
        )

    def write(self, line: str) -> None:
        if self._broken:
            return
        try:
            self._proc.stdin.write(line.encode("utf-8") + b"\n")
            self.lines += 1
        except OSError:
            self._broken = True

    def close(self) -> tuple[int, str, str]:
        if self._proc.stdin is not None:
            try:
                self._proc.stdin.close()
            except OSError:
                pass
        rc = self._proc.wait()
        results = []
        for handle in (self._out, self._err):
            handle.seek(0)
            results.append(_decode(handle.read()))
            handle.close()
        return rc, results[0], results[1]

    def kill(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self.close()


def stream(module: AnsibleModule, args: t.Sequence[t.Any]) -> LineSource:
    """Start ``args`` and return its standard output as a :class:`LineSource` (use it in ``with``)."""
    return LineSource(argv_of(module, args))


def feed(module: AnsibleModule, args: t.Sequence[t.Any]) -> LineSink:
    """Start ``args`` and return a :class:`LineSink` that writes lines to its standard input."""
    return LineSink(argv_of(module, args))
