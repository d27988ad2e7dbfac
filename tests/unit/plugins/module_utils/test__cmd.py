# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: mailops.postfix contributors
"""The one process layer: run, stream and feed, with real child processes."""

from __future__ import annotations

import signal
import sys
import time

import pytest

from ansible_collections.mailops.postfix.plugins.module_utils import _cmd
from ansible_collections.mailops.postfix.plugins.module_utils._queue import parse_postsuper_output


class Failed(Exception):
    pass


class FakeModule:
    """The part of AnsibleModule that _cmd uses, with get_bin_path over a table of programs."""

    def __init__(self, programs=None):
        self.programs = {"python": sys.executable, **(programs or {})}
        self.lookups = []

    def get_bin_path(self, name, required=False):
        self.lookups.append(name)
        path = self.programs.get(name)
        if path is None and required:
            self.fail_json(msg=f"Failed to find required executable {name}")
        return path

    def fail_json(self, **result):
        raise Failed(result)


def test_environ_is_ours_in_the_c_locale(monkeypatch):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.setenv("MAILOPS_TEST", "kept")
    env = _cmd.environ()
    assert env["LANG"] == env["LC_ALL"] == env["LC_MESSAGES"] == "C"
    assert env["MAILOPS_TEST"] == "kept"


def test_tail_keeps_short_text_and_cuts_the_head_of_long_text():
    assert _cmd.tail("abc") == "abc"
    assert _cmd.tail("x" * 10 + "end", limit=5) == "...\nxxend"


def test_bin_path_is_cached_and_optional_programs_give_none():
    module = FakeModule()
    assert _cmd.bin_path(module, "python") == sys.executable
    assert _cmd.bin_path(module, "python") == sys.executable
    assert module.lookups == ["python"]
    assert _cmd.bin_path(module, "postkick", required=False) is None
    with pytest.raises(Failed, match="postkick"):
        _cmd.bin_path(module, "postkick")


def test_argv_of_resolves_the_program_and_stringifies_arguments():
    assert _cmd.argv_of(FakeModule(), ["python", "-c", 1]) == [sys.executable, "-c", "1"]
    assert _cmd.argv_of(FakeModule(), ["/bin/true"]) == ["/bin/true"]
    with pytest.raises(ValueError, match="program name"):
        _cmd.argv_of(FakeModule(), [])


def test_failure_message_names_the_command_the_code_and_the_first_line():
    msg = _cmd.failure_message(["postmap", "hash:/etc/x y"], 1, "\n  postmap: fatal: bad\nmore", "")
    assert msg == "Command postmap 'hash:/etc/x y' failed (rc=1): postmap: fatal: bad"
    assert _cmd.failure_message(["a"], 2, "", "", "Building x failed") == "Building x failed (rc=2): no output"


def test_stream_resolves_the_program_and_runs_in_the_c_locale(monkeypatch):
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    code = "import os\nprint(os.environ['LC_ALL'])\nprint(os.environ['LANG'])"
    with _cmd.stream(FakeModule(), ["python", "-c", code]) as source:
        lines = list(source)
        rc, stderr = source.close()
    assert (lines, rc, stderr) == (["C\n", "C\n"], 0, "")
    assert source.argv[0] == sys.executable


def test_feed_resolves_the_program_and_runs_in_the_c_locale():
    code = "import os, sys\nprint(os.environ['LC_MESSAGES'], sys.stdin.read().split())"
    sink = _cmd.feed(FakeModule(), ["python", "-c", code])
    sink.write("A1")
    sink.write("B2")
    assert sink.close() == (0, "C ['A1', 'B2']\n", "")


def test_line_source_streams_lines_and_keeps_stderr_apart():
    code = "import sys\nfor i in range(3): print(i)\nsys.stderr.write('warn\\n' * 50000)\nsys.exit(3)"
    with _cmd.LineSource([sys.executable, "-c", code]) as source:
        lines = list(source)
        rc, stderr = source.close()
    assert lines == ["0\n", "1\n", "2\n"]
    assert rc == 3
    assert stderr.count("warn") == 50000


class Hung(Exception):
    pass


def _hung(signum, frame):
    raise Hung("LineSource did not end the command within 10 s")


def test_line_source_kills_the_command_when_the_consumer_fails():
    # A command that never ends by itself: if LineSource waited for it
    # instead of killing it, the alarm ends the test as a failure.
    code = "import sys\nwhile True: print('x' * 100)"
    previous = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(10)
    proc = None
    started = time.monotonic()
    try:
        with pytest.raises(RuntimeError, match="consumer failed"):
            with _cmd.LineSource([sys.executable, "-c", code]) as source:
                proc = source._proc
                for _dummy in source:
                    raise RuntimeError("consumer failed")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        alive = proc is not None and proc.poll() is None
        if alive:
            proc.kill()
            proc.wait()
    assert not alive, "the command still runs after the consumer failed"
    assert proc.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 10


def test_line_sink_big_batch_does_not_deadlock():
    # Like postsuper: a line on stderr for each line read, far more than a pipe holds.
    code = "import sys\nn = 0\nfor line in sys.stdin:\n    n += 1\n    sys.stderr.write('postsuper: %s: removed\\n' % line.strip())\nprint(n)"
    sink = _cmd.LineSink([sys.executable, "-c", code])
    for i in range(50000):
        sink.write(f"ID{i:06d}")
    rc, stdout, stderr = sink.close()
    assert rc == 0
    assert stdout.strip() == "50000"
    assert sink.lines == 50000
    assert parse_postsuper_output(stderr)[1][-1] == "ID049999"


def test_line_sink_survives_a_command_that_exits_early():
    sink = _cmd.LineSink([sys.executable, "-c", "import sys; sys.stderr.write('fatal'); sys.exit(2)"])
    for i in range(100000):
        sink.write(f"ID{i:06d}")
    rc, _stdout, stderr = sink.close()
    assert rc == 2
    assert stderr == "fatal"
