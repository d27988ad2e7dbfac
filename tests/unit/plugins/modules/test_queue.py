# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tests of the queue module's commands, with fake postqueue, postsuper and postkick.

The fakes keep the queue in a JSON-lines file: postqueue -j prints it,
postsuper -X - reads ids on standard input and changes the file as Postfix
would, printing Postfix's report, and every call is logged with its
arguments and input. The real Postfix is exercised by the integration
target tests/integration/targets/queue and by bench/queue.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import textwrap

import pytest

from ansible_collections.mailops.postfix.plugins.modules import queue as queue_module
from ansible_collections.mailops.postfix.tests.unit.compat import patch_module_args
from ansible_collections.mailops.postfix.tests.unit.conftest import rec

FAKE = textwrap.dedent("""\
    #!{python}
    import json, os, sys
    prog = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    queue_file = os.environ['FAKE_QUEUE']
    records = [json.loads(line) for line in open(queue_file) if line.strip()]
    stdin = sys.stdin.read() if '-' in args else None
    with open(os.environ['FAKE_LOG'], 'a') as log:
        log.write(json.dumps({{'prog': prog, 'args': args, 'stdin': stdin}}) + '\\n')
    fail = os.environ.get('FAKE_FAIL_' + prog.upper())
    if fail:
        sys.stderr.write(prog + ': fatal: ' + fail + '\\n')
        sys.exit(75)
    if prog == 'postqueue':
        if args == ['-j']:
            extra = os.environ.get('FAKE_EXTRA_LINE')
            for record in records:
                sys.stdout.write(json.dumps(record) + '\\n')
            if extra:
                sys.stdout.write(extra + '\\n')
        sys.exit(0)
    if prog == 'postkick':
        sys.exit(0)
    # postsuper
    flag, queues = args[0], args[2:]
    vanish = set(os.environ.get('FAKE_VANISH', '').split())
    rules = {{
        '-d': (['hold', 'incoming', 'active', 'deferred'], None, 'removed', 'Deleted'),
        '-h': (['incoming', 'active', 'deferred'], 'hold', 'placed on hold', 'Placed on hold'),
        '-H': (['hold'], 'deferred', 'released from hold', 'Released from hold'),
        '-r': (['hold', 'incoming', 'active', 'deferred'], 'maildrop', 'requeued', 'Requeued'),
    }}
    default_queues, destination, verb, total_word = rules[flag]
    queues = queues or default_queues
    count = 0
    for queue_id in stdin.split():
        for record in records:
            if record['queue_id'] == queue_id and record['queue_name'] in queues and queue_id not in vanish:
                if destination is None:
                    records.remove(record)
                else:
                    record['queue_name'] = destination
                sys.stderr.write('postsuper: %s: %s\\n' % (queue_id, verb))
                count += 1
                break
    sys.stderr.write('postsuper: %s: %d message%s\\n' % (total_word, count, '' if count == 1 else 's'))
    with open(queue_file, 'w') as out:
        out.writelines(json.dumps(record) + '\\n' for record in records)
""")

QUEUE = [
    rec("D1", rcpts=("a@x.test",)),
    rec("D2", rcpts=("b@x.test", "c@y.test")),
    rec("D3", rcpts=("d@y.test",), sender="carol@other.test"),
    rec("H1", queue="hold", rcpts=("e@x.test",)),
    rec("H2", queue="hold", rcpts=("f@z.test",)),
    rec("A1", queue="active", rcpts=("g@x.test",)),
    rec("M1", queue="maildrop", rcpts=()),
]


@pytest.fixture
def fake(tmp_path, monkeypatch):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for prog in ("postqueue", "postsuper", "postkick"):
        path = bindir / prog
        path.write_text(FAKE.format(python=sys.executable))
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    queue_file = tmp_path / "queue.jsonl"
    log = tmp_path / "calls.jsonl"
    log.write_text("")
    monkeypatch.setenv("FAKE_QUEUE", str(queue_file))
    monkeypatch.setenv("FAKE_LOG", str(log))
    monkeypatch.setenv("PATH", "{}:{}".format(bindir, os.environ.get("PATH", "")))

    class Fake:
        @staticmethod
        def load(records):
            queue_file.write_text("".join(json.dumps(r) + "\n" for r in records))

        @staticmethod
        def queue():
            return [json.loads(line) for line in queue_file.read_text().splitlines() if line.strip()]

        @staticmethod
        def calls(prog=None):
            entries = [json.loads(line) for line in log.read_text().splitlines()]
            return [e for e in entries if prog is None or e["prog"] == prog]

    Fake.load(QUEUE)
    return Fake


def run(capsys, args, check=False, diff=False):
    args = dict(args)
    if check:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            queue_module.main()
    return json.loads(capsys.readouterr().out)


def ids_of(queue, name=None):
    return sorted(r["queue_id"] for r in queue if name is None or r["queue_name"] == name)


def test_list_by_recipient_domain(fake, capsys):
    result = run(capsys, {"recipient": "@x.test"})
    assert not result["changed"]
    assert result["selected"] == 4
    assert sorted(result["queue_ids"]) == ["A1", "D1", "D2", "H1"]
    assert result["summary"]["by_domain"]["x.test"]["messages"] == 4
    assert result["summary"]["by_domain"]["y.test"]["messages"] == 1
    assert result["summary"]["by_queue"]["hold"]["messages"] == 1
    assert result["would_act"] == 0 and result["acted"] == 0
    assert all("age" in m for m in result["messages"])
    assert [c["args"] for c in fake.calls()] == [["-j"]]


def test_list_limit(fake, capsys):
    result = run(capsys, {"limit_messages": 2})
    assert result["selected"] == 7
    assert len(result["messages"]) == 2 and result["truncated"]
    assert result["summary"]["messages"] == 7


def test_delete_check_mode_acts_on_nothing(fake, capsys):
    result = run(capsys, {"action": "delete", "recipient": "x.test"}, check=True, diff=True)
    assert result["changed"]
    assert result["would_act"] == 4 and result["acted"] == 0
    assert result["diff"]["before"]["queue"]["deferred"] == 3
    assert result["diff"]["after"]["queue"]["deferred"] == 1
    assert result["diff"]["after"]["queue"]["hold"] == 1
    assert fake.calls("postsuper") == []
    assert len(fake.queue()) == len(QUEUE)


def test_delete_is_one_batch_on_stdin(fake, capsys):
    result = run(capsys, {"action": "delete", "recipient": "@x.test"}, diff=True)
    assert result["changed"]
    assert result["acted"] == 4 and result["vanished"] == 0
    calls = fake.calls("postsuper")
    assert len(calls) == 1
    assert calls[0]["args"] == ["-d", "-", "hold", "incoming", "active", "deferred", "maildrop"]
    assert sorted(calls[0]["stdin"].split()) == sorted(["A1", "D1", "D2", "H1"])
    assert ids_of(fake.queue()) == ["D3", "H2", "M1"]
    # diff after a real action counts the queue again
    assert [c["args"] for c in fake.calls("postqueue")] == [["-j"], ["-j"]]
    assert result["diff"]["after"]["queue"]["deferred"] == 1


def test_vanished_ids_are_not_an_error(fake, capsys, monkeypatch):
    monkeypatch.setenv("FAKE_VANISH", "D1 H1")
    result = run(capsys, {"action": "delete", "sender": "@src.test"})
    assert result["would_act"] == 6
    assert result["acted"] == 4
    assert result["vanished"] == 2
    assert result["changed"]


def test_delete_again_changes_nothing(fake, capsys):
    run(capsys, {"action": "delete", "recipient": "@y.test"})
    result = run(capsys, {"action": "delete", "recipient": "@y.test"})
    assert not result["changed"]
    assert result["selected"] == 0
    assert len(fake.calls("postsuper")) == 1  # no empty batch


def test_delete_without_selection_is_refused_before_reading(fake, capsys):
    result = run(capsys, {"action": "delete"})
    assert result["failed"]
    assert "action=delete needs a selection" in result["msg"]
    assert "all=true" in result["msg"]
    assert fake.calls() == []


@pytest.mark.parametrize("action", ["hold", "requeue"])
def test_hold_and_requeue_without_selection_are_refused(fake, capsys, action):
    result = run(capsys, {"action": action})
    assert result["failed"] and f"action={action} needs a selection" in result["msg"]


def test_delete_all(fake, capsys):
    result = run(capsys, {"action": "delete", "all": True})
    assert result["acted"] == 7
    assert fake.queue() == []


def test_all_with_a_filter_is_refused(fake, capsys):
    result = run(capsys, {"action": "delete", "all": True, "recipient": "@x.test"})
    assert result["failed"]
    assert "mutually exclusive" in result["msg"]


@pytest.mark.parametrize(
    "args, option, detail",
    [
        ({"recipient": "/(x/"}, "recipient", "missing ), unterminated subpattern"),
        ({"sender": "/[a/"}, "sender", "unterminated character set"),
        ({"reason": "*bad"}, "reason", "nothing to repeat"),
        ({"min_age": "3 fortnights"}, "min_age", "is not a duration"),
        ({"max_size": "big"}, "max_size", "is not a size"),
        ({"ids": ["ABC;rm"]}, "ids", "is not a Postfix queue id"),
    ],
)
def test_invalid_options_fail_before_reading(fake, capsys, args, option, detail):
    result = run(capsys, dict(args, action="delete"))
    assert result["failed"]
    assert result["msg"].startswith(f"Invalid value for option {option}: ")
    assert detail in result["msg"]
    assert fake.calls() == []


def test_hold_then_release(fake, capsys):
    result = run(capsys, {"action": "hold", "recipient": "@y.test"})
    assert result["acted"] == 2
    call = fake.calls("postsuper")[-1]
    assert call["args"] == ["-h", "-"]
    assert sorted(call["stdin"].split()) == ["D2", "D3"]
    assert ids_of(fake.queue(), "hold") == ["D2", "D3", "H1", "H2"]

    again = run(capsys, {"action": "hold", "recipient": "@y.test"})
    assert not again["changed"] and again["would_act"] == 0

    released = run(capsys, {"action": "release", "sender": "@src.test"})
    call = fake.calls("postsuper")[-1]
    assert call["args"] == ["-H", "-"]
    assert sorted(call["stdin"].split()) == ["D2", "H1", "H2"]
    assert released["acted"] == 3
    assert ids_of(fake.queue(), "hold") == ["D3"]


def test_requeue_wakes_pickup(fake, capsys):
    result = run(capsys, {"action": "requeue", "queue": ["deferred"]})
    assert result["acted"] == 3
    assert fake.calls("postsuper")[0]["args"] == ["-r", "-"]
    assert [c["args"] for c in fake.calls("postkick")] == [["public", "pickup", "W"]]


def test_flush_forms(fake, capsys):
    result = run(capsys, {"action": "flush"})
    assert result["acted"] == 3
    assert [c["args"] for c in fake.calls("postqueue")][1:] == [["-f"]]

    result = run(capsys, {"action": "flush", "site": "y.test"})
    assert result["selected"] == 2 and result["acted"] == 2
    assert fake.calls("postqueue")[-1]["args"] == ["-s", "y.test"]

    result = run(capsys, {"action": "flush", "ids": ["D1", "H1", "D3"]})
    assert result["would_act"] == 2  # H1 is on hold: nothing to flush
    flushes = [c["args"] for c in fake.calls("postqueue") if c["args"][0] == "-i"]
    assert flushes == [["-i", "D1"], ["-i", "D3"]]
    assert fake.calls("postsuper") == []


def test_flush_check_mode_runs_nothing(fake, capsys):
    result = run(capsys, {"action": "flush", "site": "y.test"}, check=True)
    assert result["changed"] and result["acted"] == 0
    assert [c["args"] for c in fake.calls()] == [["-j"]]


def test_site_only_with_flush(fake, capsys):
    result = run(capsys, {"action": "delete", "site": "y.test"})
    assert result["failed"] and "only used with action=flush" in result["msg"]


def test_missing_ids(fake, capsys):
    result = run(capsys, {"action": "delete", "ids": ["D1", "GONE1!"]})
    assert result["acted"] == 1
    assert result["missing_ids"] == ["GONE1"]


def test_postsuper_failure_is_reported(fake, capsys, monkeypatch):
    monkeypatch.setenv("FAKE_FAIL_POSTSUPER", "use of this command is reserved for the superuser")
    result = run(capsys, {"action": "delete", "recipient": "@x.test"})
    assert result["failed"]
    assert "failed with rc 75 on 4 queue id(s)" in result["msg"]
    assert "reserved for the superuser" in result["stderr"]
    assert result["rc"] == 75


def test_postqueue_failure_is_reported(fake, capsys, monkeypatch):
    monkeypatch.setenv("FAKE_FAIL_POSTQUEUE", "Queue report unavailable - mail system is down")
    result = run(capsys, {})
    assert result["failed"]
    assert "Reading the queue with" in result["msg"] and "mail system is down" in result["msg"]
    assert result["rc"] == 75


def test_malformed_line_is_skipped_with_a_warning(fake, capsys, monkeypatch):
    monkeypatch.setenv("FAKE_EXTRA_LINE", "{not json")
    warnings = []
    monkeypatch.setattr(queue_module.AnsibleModule, "warn", lambda self, text: warnings.append(text))
    result = run(capsys, {})
    assert result["selected"] == 7
    assert len(warnings) == 1
    assert "Skipped 1 line(s)" in warnings[0] and "line 8" in warnings[0]
