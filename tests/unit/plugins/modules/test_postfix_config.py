# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tests of the postfix_config module itself, with fake postfix and postconf.

The pure part (merging, rendering) is tested in module_utils/test__postfix_config.py;
these run main(): check mode, diff, the order of the writes, and what a failed
validation leaves behind. The fakes log every call with its arguments, its
locale and whether the new fragment existed on disk at that moment, and fail
(or warn) when told to through the environment.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import textwrap

import pytest
from ansible.module_utils import basic

from ansible_collections.mailops.postfix.plugins.modules import postfix_config
from ansible_collections.mailops.postfix.tests.unit.compat import patch_module_args

FAKE = textwrap.dedent("""\
    #!{python}
    import json, os, sys
    prog = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    with open(os.environ['FAKE_LOG'], 'a') as log:
        log.write(json.dumps({{
            'prog': prog,
            'args': args,
            'lc_all': os.environ.get('LC_ALL'),
            'fragment_exists': os.path.exists(os.environ['FAKE_FRAGMENT']),
            'staged_main_cf': open(os.path.join(args[1], 'main.cf')).read(),
        }}) + '\\n')
    fail = os.environ.get('FAKE_FAIL_' + prog.upper())
    if fail:
        sys.stderr.write(prog + ': fatal: ' + fail + '\\n')
        sys.exit(1)
    warn = os.environ.get('FAKE_WARN_' + prog.upper())
    if warn:
        sys.stderr.write(prog + ': warning: ' + warn + '\\n')
    sys.exit(0)
""")

BASE = {
    "name": "postfix",
    "priority": 0,
    "main": {"myhostname": "mx.example.test", "mydestination": ["$myhostname", "localhost"]},
    "lists": {
        "smtpd_relay_restrictions": [
            {"name": "mynetworks", "order": 100, "value": "permit_mynetworks"},
            {"name": "unauth_destination", "order": 900, "value": "reject_unauth_destination"},
        ],
    },
    "master": [{"service": "smtp", "type": "inet", "private": "n", "command": "smtpd"}],
}
TLS = {"priority": 20, "main": {"smtpd_tls_security_level": "may"}}
OLD_MAIN = "# the main.cf before the run\n"
OLD_MASTER = "# the master.cf before the run\n"


@pytest.fixture
def host(tmp_path, monkeypatch):
    """A config_dir with old main.cf and master.cf, a fragments_dir with the base fragment, and the fakes."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for prog in ("postfix", "postconf"):
        path = bindir / prog
        path.write_text(FAKE.format(python=sys.executable))
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    config = tmp_path / "etc"
    config.mkdir()
    (config / "main.cf").write_text(OLD_MAIN)
    (config / "master.cf").write_text(OLD_MASTER)
    fragments = config / "mailops.d"
    fragments.mkdir()
    (fragments / "postfix.json").write_text(json.dumps(BASE))
    log = tmp_path / "calls.jsonl"
    log.write_text("")
    monkeypatch.setenv("FAKE_LOG", str(log))
    monkeypatch.setenv("FAKE_FRAGMENT", str(fragments / "tls.json"))
    monkeypatch.setenv("PATH", f"{bindir}:{os.environ.get('PATH', '')}")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")

    # Every file the module moves into place, in order.
    moves: list[str] = []
    real_move = basic.AnsibleModule.atomic_move

    def atomic_move(self, src, dest, *args, **kwargs):
        moves.append(os.path.relpath(dest, config))
        return real_move(self, src, dest, *args, **kwargs)

    monkeypatch.setattr(basic.AnsibleModule, "atomic_move", atomic_move)

    class Host:
        config_dir = config
        fragments_dir = fragments
        moved = moves

        @staticmethod
        def calls():
            return [json.loads(line) for line in log.read_text().splitlines()]

        @staticmethod
        def files():
            return {
                "main.cf": (config / "main.cf").read_text(),
                "master.cf": (config / "master.cf").read_text(),
                "tls.json": (fragments / "tls.json").read_text() if (fragments / "tls.json").exists() else None,
            }

        @staticmethod
        def leftovers():
            return sorted(name for name in os.listdir(config) if name.startswith(".mailops-stage-"))

    return Host


def run(capsys, host, args, check=False, diff=False, fail=False):
    args = dict(args, config_dir=str(host.config_dir), fragments_dir=str(host.fragments_dir))
    if check:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exited:
            postfix_config.main()
    result = json.loads(capsys.readouterr().out)
    assert (exited.value.code != 0) == fail, result
    assert bool(result.get("failed")) == fail, result
    return result


def test_check_mode_reports_the_diff_validates_and_writes_nothing(host, capsys):
    result = run(capsys, host, {"name": "tls", "fragment": TLS}, check=True, diff=True)
    assert result["changed"]
    assert result["fragments"] == ["postfix", "tls"]
    diff = {entry["after_header"]: entry for entry in result["diff"]}
    main = diff[str(host.config_dir / "main.cf")]
    assert main["before"] == OLD_MAIN
    assert "smtpd_tls_security_level = may" in main["after"]
    assert diff[str(host.config_dir / "master.cf")]["before"] == OLD_MASTER
    assert host.files() == {"main.cf": OLD_MAIN, "master.cf": OLD_MASTER, "tls.json": None}
    assert host.moved == []
    # Validated all the same, in a staging directory outside config_dir.
    calls = host.calls()
    assert [(c["prog"], c["args"][2]) for c in calls] == [("postfix", "check"), ("postconf", "-n"), ("postconf", "-M")]
    assert not calls[0]["args"][1].startswith(str(host.config_dir))
    assert "smtpd_tls_security_level = may" in calls[0]["staged_main_cf"]
    assert host.leftovers() == []


def test_apply_validates_in_the_c_locale_installs_and_writes_the_fragment_last(host, capsys):
    result = run(capsys, host, {"name": "tls", "fragment": TLS})
    assert result["changed"]
    files = host.files()
    assert "smtpd_tls_security_level = may" in files["main.cf"]
    assert "smtpd" in files["master.cf"]
    assert json.loads(files["tls.json"]) == dict(TLS, name="tls")
    # master.cf first, then main.cf, and only then the fragment.
    assert host.moved == ["master.cf", "main.cf", "mailops.d/tls.json"]
    calls = host.calls()
    assert len(calls) == 3
    assert all(c["lc_all"] == "C" for c in calls)
    assert not any(c["fragment_exists"] for c in calls)
    assert all(c["args"][0] == "-c" and c["args"][1].startswith(str(host.config_dir)) for c in calls)
    assert host.leftovers() == []

    again = run(capsys, host, {"name": "tls", "fragment": TLS})
    assert not again["changed"]
    assert host.moved == ["master.cf", "main.cf", "mailops.d/tls.json"]


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("FAKE_FAIL_POSTFIX", "bad permissions", "postfix: fatal: bad permissions"),
        ("FAKE_WARN_POSTCONF", "/etc/postfix/main.cf: unused parameter: smtpd_tls_securty_level=may", "unused"),
    ],
)
def test_a_failed_validation_leaves_main_cf_master_cf_and_the_fragment_untouched(
    host, capsys, monkeypatch, variable, value, expected
):
    monkeypatch.setenv(variable, value)
    result = run(capsys, host, {"name": "tls", "fragment": TLS}, fail=True)
    assert result["msg"].startswith("the new Postfix configuration does not validate")
    assert expected in result["msg"]
    assert result["cmd"].startswith(("postfix -c ", "postconf -c "))
    assert host.files() == {"main.cf": OLD_MAIN, "master.cf": OLD_MASTER, "tls.json": None}
    assert host.moved == []
    assert host.leftovers() == []


def test_a_failed_validation_in_check_mode_fails_too(host, capsys, monkeypatch):
    monkeypatch.setenv("FAKE_FAIL_POSTCONF", "cannot parse master.cf")
    result = run(capsys, host, {"name": "tls", "fragment": TLS}, check=True, fail=True)
    assert "postconf: fatal: cannot parse master.cf" in result["msg"]
    assert host.files() == {"main.cf": OLD_MAIN, "master.cf": OLD_MASTER, "tls.json": None}


def test_removing_a_fragment_installs_the_configuration_first(host, capsys):
    run(capsys, host, {"name": "tls", "fragment": TLS})
    del host.moved[:]
    result = run(capsys, host, {"name": "tls", "state": "absent"}, diff=True)
    assert result["changed"]
    assert "smtpd_tls_security_level" not in host.files()["main.cf"]
    assert host.files()["tls.json"] is None
    assert host.moved == ["master.cf", "main.cf"]
    assert [entry["after_header"] for entry in result["diff"]] == [str(host.config_dir / "main.cf")]


def test_a_conflict_fails_before_any_command(host, capsys):
    other = {"priority": 20, "main": {"myhostname": "other.example.test"}}
    (host.fragments_dir / "other.json").write_text(json.dumps(dict(other, name="other")))
    result = run(capsys, host, {"name": "tls", "fragment": {"main": {"myhostname": "tls.example.test"}}}, fail=True)
    assert result["msg"].startswith(f"cannot assemble the Postfix configuration from {host.fragments_dir}")
    assert "other" in result["msg"]
    assert host.calls() == []
    assert host.files()["tls.json"] is None
