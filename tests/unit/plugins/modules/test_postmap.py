# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tests of the postmap module's file handling, with a fake postmap/postalias.

The fake binaries copy the source to the compiled file, answer `-q -` from
it, print Postfix-style warnings for malformed lines, and log every call with
the umask it ran under. The real Postfix is exercised by the integration
target tests/integration/targets/postmap.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import textwrap

import pytest

from ansible_collections.mailops.postfix.plugins.module_utils import _postmap
from ansible_collections.mailops.postfix.plugins.module_utils._postmap import HEADER
from ansible_collections.mailops.postfix.plugins.modules import postmap
from ansible_collections.mailops.postfix.tests.unit.compat import patch_module_args

FAKE = textwrap.dedent("""\
    #!{python}
    import json, os, sys
    prog = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    if args[:1] == ['-c']:
        args = args[2:]
    umask = os.umask(0)
    os.umask(umask)
    with open(os.environ['FAKE_POSTMAP_LOG'], 'a') as log:
        log.write(json.dumps({{'prog': prog, 'args': args, 'umask': umask}}) + '\\n')
    kind, path = args[-1].split(':', 1)
    suffix = {{'hash': '.db', 'btree': '.db', 'lmdb': '.lmdb', 'cdb': '.cdb'}}.get(kind)

    def entries(text, warn):
        found = {{}}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith('#'):
                continue
            if 'BROKEN' in line:
                warn('{{0}}: warning: {{1}} map {{2}}, line {{3}}: Invalid regular expression'.format(prog, kind, path, number))
                continue
            if prog == 'postalias':
                if ':' not in line:
                    warn('{{0}}: warning: {{1}}, line {{2}}: need name:value pair'.format(prog, path, number))
                    continue
                key, value = line.split(':', 1)
            else:
                parts = line.split(None, 1)
                if len(parts) < 2:
                    warn('{{0}}: warning: {{1}}, line {{2}}: expected format: key whitespace value'.format(prog, path, number))
                    continue
                key, value = parts
            found.setdefault(key.strip().lower(), value.strip())
        return found

    def warn(message):
        sys.stderr.write(message + '\\n')

    if args[0] == '-q':
        name = path + suffix if suffix else path
        if not os.path.exists(name):
            warn('{{0}}: fatal: open database {{1}}: No such file or directory'.format(prog, name))
            sys.exit(1)
        table = entries(open(name).read(), warn)
        keys = sys.stdin.read().splitlines() if args[1] == '-' else [args[1]]
        rc = 1
        for key in keys:
            if key.lower() in table:
                rc = 0
                sys.stdout.write('{{0}}{{1}}\\t{{2}}\\n'.format(key, ':' if prog == 'postalias' else '', table[key.lower()]))
        sys.exit(rc)
    text = open(path).read()
    entries(text, warn)
    with open(path + suffix, 'w') as out:
        out.write(text)
""")


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A directory for tables, fake postmap/postalias on PATH, and a call log."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name in ("postmap", "postalias"):
        script = bindir / name
        script.write_text(FAKE.format(python=sys.executable))
        script.chmod(0o755)
    log = tmp_path / "calls.log"
    log.write_text("")
    monkeypatch.setenv("FAKE_POSTMAP_LOG", str(log))
    monkeypatch.setenv("PATH", "{}:{}".format(bindir, os.environ.get("PATH", "")))
    tables = tmp_path / "etc"
    tables.mkdir()
    remote = tmp_path / "remote"
    remote.mkdir()

    class Env:
        dir = tables

        @staticmethod
        def calls():
            return [json.loads(line) for line in log.read_text().splitlines()]

        @staticmethod
        def reset():
            log.write_text("")

        @staticmethod
        def run(args, check=False, diff=False):
            args = dict(
                args,
                _ansible_check_mode=check,
                _ansible_diff=diff,
                _ansible_remote_tmp=str(remote),
                _ansible_keep_remote_files=False,
            )
            return run_module(args)

    return Env


def run_module(args):
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exc:
            postmap.main()
    return exc.value.code


@pytest.fixture
def result(capsys):
    def read():
        return json.loads(capsys.readouterr().out)

    return read


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def leftovers(directory):
    return sorted(name for name in os.listdir(directory) if ".mailops" in name)


def test_build_then_unchanged(env, result):
    path = str(env.dir / "access")
    args = {"path": path, "entries": {"a.example": "OK", "b.example": "REJECT"}}
    assert env.run(args) == 0
    out = result()
    assert out["changed"] is True
    table = out["tables"][0]
    assert table["built"] is True
    assert table["entries"] == 2
    assert table["map"] == "hash:" + path
    assert table["compiled"] == path + ".db"
    assert open(path).read() == HEADER + "\na.example OK\nb.example REJECT\n"
    assert os.path.exists(path + ".db")
    assert os.stat(path + ".db").st_mtime_ns >= os.stat(path).st_mtime_ns
    calls = env.calls()
    assert len(calls) == 1 and calls[0]["prog"] == "postmap" and calls[0]["umask"] == 0o077
    assert leftovers(env.dir) == []

    env.reset()
    assert env.run(args) == 0
    out = result()
    assert out["changed"] is False
    assert out["tables"][0]["built"] is False
    assert env.calls() == []


def test_check_mode_writes_nothing(env, result):
    path = str(env.dir / "access")
    assert env.run({"path": path, "entries": {"a": "b"}}, check=True, diff=True) == 0
    out = result()
    assert out["changed"] is True
    assert out["diff"]["after"] == HEADER + "\na b\n"
    assert os.listdir(env.dir) == []


def test_secret_table_is_private(env, result):
    path = str(env.dir / "sasl_passwd")
    assert env.run({"path": path, "mode": "0644", "entries": {"[relay]:587": "u:p"}}) == 0
    result()
    assert (mode_of(path), mode_of(path + ".db")) == (0o644, 0o644)
    env.reset()
    assert env.run({"path": path, "mode": "0600", "entries": {"[relay]:587": "u:p"}}) == 0
    out = result()
    assert out["changed"] is True and out["tables"][0]["built"] is False
    assert (mode_of(path), mode_of(path + ".db")) == (0o600, 0o600)
    assert env.calls() == []
    # A new password without mode: the source's 0600 is kept and mirrored.
    assert env.run({"path": path, "entries": {"[relay]:587": "u:new"}}) == 0
    out = result()
    assert out["tables"][0]["built"] is True
    assert (mode_of(path), mode_of(path + ".db")) == (0o600, 0o600)


def test_rebuild_when_compiled_missing_or_older(env, result):
    path = str(env.dir / "transport")
    args = {"path": path, "type": "lmdb", "entries": {"example.org": "smtp:[mx]"}}
    assert env.run(args) == 0
    result()
    os.unlink(path + ".lmdb")
    assert env.run(args) == 0
    assert result()["tables"][0]["built"] is True
    assert os.path.exists(path + ".lmdb")
    os.utime(path + ".lmdb", ns=(0, 0))
    assert env.run(args) == 0
    assert result()["tables"][0]["built"] is True
    assert os.stat(path + ".lmdb").st_mtime_ns >= os.stat(path).st_mtime_ns
    assert env.run(args) == 0
    assert result()["changed"] is False


def test_crash_between_renames_is_healed(env, result):
    """New compiled table next to the old source: the next run rewrites and rebuilds."""
    path = str(env.dir / "access")
    assert env.run({"path": path, "entries": {"a": "old"}}) == 0
    result()
    # What a crash after the first rename leaves: compiled new, source old.
    with open(path + ".db", "w") as handle:
        handle.write(HEADER + "\na new\n")
    env.reset()
    assert env.run({"path": path, "entries": {"a": "new"}}) == 0
    out = result()
    assert out["changed"] is True and out["tables"][0]["built"] is True
    assert open(path).read() == HEADER + "\na new\n"


def test_verify_returns_values_and_fails_for_missing_keys(env, result):
    path = str(env.dir / "access")
    assert env.run({"path": path, "entries": {"a": "OK"}, "verify": ["a"]}) == 0
    assert result()["tables"][0]["verified"] == {"a": "OK"}
    assert env.run({"path": path, "entries": {"a": "REJECT"}, "verify": ["zz"]}) == 1
    out = result()
    assert out["failed"] is True
    assert "'zz' did not resolve" in out["msg"]
    # The new table failed verification on the staged copy: the old one stays.
    assert open(path).read() == HEADER + "\na OK\n"
    assert leftovers(env.dir) == []


def test_pattern_table_never_compiled_and_broken_line_named(env, result):
    path = str(env.dir / "header_checks")
    assert env.run({"path": path, "type": "regexp", "entries": ["/^Subject: x/ REJECT"]}) == 0
    out = result()
    assert out["tables"][0]["compiled"] is None
    assert [call["args"][:2] for call in env.calls()] == [["-q", "-"]]
    assert sorted(os.listdir(env.dir)) == ["header_checks"]
    assert env.run({"path": path, "type": "regexp", "entries": ["/ok/ OK", "/BROKEN/ REJECT"]}) == 1
    out = result()
    assert out["msg"].startswith(f"regexp table {path} is invalid: line 3 (")
    assert "/BROKEN/ REJECT" in out["msg"]
    assert "Invalid regular expression" in out["msg"]
    assert open(path).read() == HEADER + "\n/^Subject: x/ REJECT\n"
    assert leftovers(env.dir) == []


def test_malformed_src_line_fails_with_line(env, result, tmp_path):
    src = tmp_path / "src"
    src.write_text("a b\nlonely\n")
    path = str(env.dir / "virtual")
    assert env.run({"path": path, "src": str(src)}) == 1
    out = result()
    assert "line 2 ('lonely'): expected format" in out["msg"]
    assert os.listdir(env.dir) == []


def test_aliases_use_postalias(env, result):
    path = str(env.dir / "aliases")
    assert env.run({"path": path, "aliases": True, "entries": {"ops": ["a@x", "b@x"]}, "verify": ["ops"]}) == 0
    out = result()
    assert out["tables"][0]["verified"] == {"ops": "a@x, b@x"}
    assert {call["prog"] for call in env.calls()} == {"postalias"}
    assert open(path).read() == HEADER + "\nops: a@x, b@x\n"


def test_src_is_copied_verbatim_and_src_equal_path_only_compiles(env, result):
    path = str(env.dir / "relay")
    with open(path, "w") as handle:
        handle.write("x OK\n")
    assert env.run({"path": path, "src": path}) == 0
    out = result()
    assert out["changed"] is True and out["tables"][0]["built"] is True
    assert open(path).read() == "x OK\n"
    assert env.run({"path": path, "src": path}) == 0
    assert result()["changed"] is False


def test_tables_inherit_and_absent(env, result):
    one, two = str(env.dir / "one"), str(env.dir / "two")
    args = {
        "mode": "0640",
        "type": "cdb",
        "tables": [
            {"path": one, "entries": {"a": "b"}},
            {"path": two, "type": "pcre", "entries": ["/x/ OK"]},
        ],
    }
    assert env.run(args, diff=True) == 0
    out = result()
    assert [table["map"] for table in out["tables"]] == ["cdb:" + one, "pcre:" + two]
    assert isinstance(out["diff"], list) and len(out["diff"]) == 2
    assert (mode_of(one), mode_of(one + ".cdb"), mode_of(two)) == (0o640, 0o640, 0o640)
    assert env.run(args) == 0
    assert result()["changed"] is False
    absent = {"path": one, "type": "cdb", "state": "absent"}
    assert env.run(absent, check=True) == 0
    assert result()["changed"] is True and os.path.exists(one)
    assert env.run(absent) == 0
    assert result()["changed"] is True
    assert not os.path.exists(one) and not os.path.exists(one + ".cdb")
    assert env.run(absent) == 0
    assert result()["changed"] is False


def test_entry_errors_stop_before_any_file(env, result):
    args = {
        "tables": [
            {"path": str(env.dir / "good"), "entries": {"a": "b"}},
            {"path": str(env.dir / "bad"), "entries": {"two words": "x"}},
        ]
    }
    assert env.run(args) == 1
    out = result()
    assert "key 'two words'" in out["msg"]
    assert os.listdir(env.dir) == []


def test_missing_directory_and_symlink(env, result):
    assert env.run({"path": str(env.dir / "nope" / "access"), "entries": {"a": "b"}}) == 1
    assert "does not exist" in result()["msg"]
    os.symlink("/dev/null", str(env.dir / "link"))
    assert env.run({"path": str(env.dir / "link"), "entries": {"a": "b"}}) == 1
    assert "symbolic link" in result()["msg"]


def test_staged_files_are_flushed_before_they_are_renamed(env, result, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        return real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", str(src)))
        return real_replace(src, dst)

    monkeypatch.setattr(_postmap.os, "fsync", fsync)
    monkeypatch.setattr(_postmap.os, "replace", replace)
    path = str(env.dir / "access")
    assert env.run({"path": path, "entries": {"a.example": "OK"}}) == 0
    assert result()["changed"] is True
    renamed = [name for kind, name in events if kind == "replace"]
    assert len(renamed) == 2  # the compiled table, then the source
    for name in renamed:
        assert events.index(("fsync", name)) < events.index(("replace", name))
    assert events[-1] == ("fsync", str(env.dir))
