# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: mailops.postfix contributors

from __future__ import annotations

import json

import pytest

from ansible_collections.mailops.postfix.plugins.module_utils._queue import (
    AGE_LABELS,
    Filters,
    QueueOptionError,
    Selection,
    Summary,
    address_domain,
    age_label,
    build_filters,
    counts_after,
    matches,
    parse_address_pattern,
    parse_duration,
    parse_ids,
    parse_postsuper_output,
    parse_record,
    parse_size,
)
from ansible_collections.mailops.postfix.tests.unit.conftest import NOW, rec


def filters(**params):
    return build_filters(params)


# -- durations and sizes ---------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),
        (0, 0),
        (90, 90),
        ("90", 90),
        (" 45 ", 45),
        ("30s", 30),
        ("5m", 300),
        ("2h", 7200),
        ("1h30m", 5400),
        ("1h 30m", 5400),
        ("3d", 259200),
        ("1w", 604800),
        ("2H", 7200),
    ],
)
def test_parse_duration(value, expected):
    assert parse_duration(value, "min_age") == expected


@pytest.mark.parametrize("value", ["", "abc", "5x", "2h junk", "-5", "h", -1, True, "1.5h"])
def test_parse_duration_rejects(value):
    with pytest.raises(QueueOptionError) as err:
        parse_duration(value, "max_age")
    assert err.value.option == "max_age"
    assert str(err.value).startswith("max_age: ")


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),
        (0, 0),
        (512, 512),
        ("512", 512),
        ("10k", 10240),
        ("10K", 10240),
        ("5M", 5 * 1024**2),
        ("1G", 1024**3),
        ("2kb", 2048),
    ],
)
def test_parse_size(value, expected):
    assert parse_size(value, "min_size") == expected


@pytest.mark.parametrize("value", ["", "ten", "1.5M", "5T", -3, False])
def test_parse_size_rejects(value):
    with pytest.raises(QueueOptionError) as err:
        parse_size(value, "min_size")
    assert err.value.option == "min_size"


# -- address patterns ------------------------------------------------------


def test_address_domain():
    assert address_domain("Bob@Example.ORG") == "example.org"
    assert address_domain("bob@example.org.") == "example.org"
    assert address_domain('"a@b"@example.org') == "example.org"
    assert address_domain("MAILER-DAEMON") == ""
    assert address_domain("") == ""


@pytest.mark.parametrize(
    "pattern, address, expected",
    [
        ("bob@x.test", "bob@x.test", True),
        ("bob@x.test", "BOB@X.TEST", True),
        ("bob@x.test", "bob2@x.test", False),
        ("@x.test", "anyone@x.test", True),
        ("@x.test", "anyone@X.Test", True),
        ("@x.test", "anyone@sub.x.test", False),
        ("x.test", "anyone@x.test", True),
        ("x.test", "anyone@y.test", False),
        ("x.test", "x.test", False),
        (".x.test", "anyone@sub.x.test", True),
        (".x.test", "anyone@a.b.x.test", True),
        (".x.test", "anyone@x.test", False),
        (".x.test", "anyone@xx.test", False),
        ("/^b.b@/", "bob@x.test", True),
        ("/^b.b@/", "alice@x.test", False),
        ("/X\\.TEST$/", "bob@x.test", True),
        ("<>", "MAILER-DAEMON", True),
        ("<>", "", True),
        ("<>", "bob@x.test", False),
    ],
)
def test_address_patterns(pattern, address, expected):
    matcher = parse_address_pattern(pattern, "recipient")
    assert matcher is not None
    assert matcher.match(address) is expected


def test_address_pattern_kinds():
    assert parse_address_pattern(None, "sender") is None
    assert parse_address_pattern("a@b.test", "sender").kind == "exact"
    assert parse_address_pattern("@b.test", "sender").kind == "domain"
    assert parse_address_pattern("b.test", "sender").kind == "domain"
    assert parse_address_pattern(".b.test", "sender").kind == "subdomain"
    assert parse_address_pattern("/b/", "sender").kind == "regex"
    assert parse_address_pattern("<>", "sender").kind == "null"


@pytest.mark.parametrize("pattern", ["", "  ", "//", "@", "@a@b", "."])
def test_address_pattern_rejects(pattern):
    with pytest.raises(QueueOptionError) as err:
        parse_address_pattern(pattern, "sender")
    assert err.value.option == "sender"


def test_invalid_regex_names_option_and_python_error():
    with pytest.raises(QueueOptionError) as err:
        filters(recipient="/([a-z/")
    assert err.value.option == "recipient"
    assert "invalid regular expression" in str(err.value)
    assert "unterminated character set" in str(err.value)
    with pytest.raises(QueueOptionError) as err:
        filters(reason="(unclosed")
    assert err.value.option == "reason"
    assert "missing )" in str(err.value)


def test_parse_ids():
    assert parse_ids(None) is None
    assert parse_ids(["ABC123", "DEF456!", "0A1B*", " 99 "]) == frozenset({"ABC123", "DEF456", "0A1B", "99"})
    for bad in ["ABC\nDEF", "", "AB-CD", "../x"]:
        with pytest.raises(QueueOptionError) as err:
            parse_ids([bad])
        assert err.value.option == "ids"


def test_build_filters_checks_ranges_and_queues():
    with pytest.raises(QueueOptionError) as err:
        filters(min_age="2h", max_age="1h")
    assert err.value.option == "min_age"
    with pytest.raises(QueueOptionError) as err:
        filters(min_size="10k", max_size=100)
    assert err.value.option == "min_size"
    with pytest.raises(QueueOptionError) as err:
        filters(queue=["deferred", "bogus"])
    assert err.value.option == "queue"


def test_filters_is_empty():
    assert Filters().is_empty()
    assert filters().is_empty()
    assert filters(action="delete", all=False, limit_messages=5).is_empty()
    assert not filters(queue=["hold"]).is_empty()
    assert not filters(ids=["ABC"]).is_empty()
    assert not filters(min_age=0).is_empty()
    assert not filters(reason="x").is_empty()


# -- records and matching --------------------------------------------------


def test_parse_record():
    line = json.dumps(rec()) + "\n"
    assert parse_record(line)["queue_id"] == "A1"
    assert parse_record("  \n") is None
    no_rcpts = parse_record('{"queue_name": "maildrop", "queue_id": "B2", "sender": "a@b"}')
    assert no_rcpts["recipients"] == []
    with pytest.raises(ValueError):
        parse_record("not json")
    with pytest.raises(ValueError):
        parse_record('["a list"]')
    with pytest.raises(ValueError):
        parse_record('{"queue_name": "hold"}')


def test_matches_each_criterion():
    r = rec(
        queue="hold",
        sender="alice@src.test",
        rcpts=(("bob@x.test", None), ("carol@y.test", "lost connection")),
        age=7200,
        size=5000,
    )
    assert matches(r, filters(), NOW)
    assert matches(r, filters(queue=["hold"]), NOW)
    assert not matches(r, filters(queue=["deferred", "active"]), NOW)
    assert matches(r, filters(sender="@src.test"), NOW)
    assert not matches(r, filters(sender="bob@x.test"), NOW)
    assert matches(r, filters(recipient="y.test"), NOW)
    assert matches(r, filters(recipient="bob@x.test"), NOW)
    assert not matches(r, filters(recipient="@z.test"), NOW)
    assert matches(r, filters(min_age="1h"), NOW)
    assert matches(r, filters(min_age=7200), NOW)
    assert not matches(r, filters(min_age="3h"), NOW)
    assert matches(r, filters(max_age="2h"), NOW)
    assert not matches(r, filters(max_age="1h"), NOW)
    assert matches(r, filters(min_size=5000, max_size="5000"), NOW)
    assert not matches(r, filters(min_size="5k"), NOW)
    assert not matches(r, filters(max_size=4999), NOW)
    assert matches(r, filters(reason="LOST conn"), NOW)
    assert not matches(r, filters(reason="timed out"), NOW)
    assert matches(r, filters(ids=["A1"]), NOW)
    assert not matches(r, filters(ids=["A2"]), NOW)


def test_matches_is_a_conjunction():
    r = rec(sender="alice@src.test", rcpts=(("bob@x.test", "timeout"),))
    assert matches(r, filters(sender="@src.test", recipient="@x.test", reason="time"), NOW)
    assert not matches(r, filters(sender="@src.test", recipient="@y.test", reason="time"), NOW)
    assert not matches(r, filters(sender="@other.test", recipient="@x.test"), NOW)


def test_reason_ignores_recipients_without_reason():
    r = rec(rcpts=(("bob@x.test", None),))
    assert not matches(r, filters(reason=".*"), NOW)


def test_message_without_recipients_and_odd_fields():
    r = {"queue_name": "maildrop", "queue_id": "M1", "sender": "a@b.test", "recipients": []}
    assert matches(r, filters(sender="b.test"), NOW)
    assert not matches(r, filters(recipient="/./"), NOW)
    assert matches(r, filters(max_age=0), NOW)  # no arrival_time: age 0


# -- summary ---------------------------------------------------------------


@pytest.mark.parametrize(
    "age, label",
    [
        (0, "5"),
        (299, "5"),
        (300, "10"),
        (599, "10"),
        (600, "20"),
        (1279 * 60, "1280"),
        (1280 * 60, "1280+"),
        (10**7, "1280+"),
    ],
)
def test_age_label(age, label):
    assert age_label(age) == label


def test_summary_counts_like_qshape():
    summary = Summary()
    summary.add(rec("A", rcpts=(("a@x.test", None), ("b@x.test", None), ("c@y.test", None)), size=100, age=60), NOW)
    summary.add(rec("B", queue="hold", rcpts=(("d@x.test", None),), size=50, age=3600), NOW)
    out = summary.as_dict()
    assert out["messages"] == 2
    assert out["recipients"] == 4
    assert out["bytes"] == 150
    assert out["ages"]["5"] == 1 and out["ages"]["80"] == 1
    assert list(out["ages"]) == list(AGE_LABELS)
    assert out["by_queue"]["deferred"] == {"messages": 1, "bytes": 100}
    assert out["by_queue"]["hold"] == {"messages": 1, "bytes": 50}
    assert out["by_queue"]["active"] == {"messages": 0, "bytes": 0}
    assert out["by_domain"]["x.test"]["messages"] == 2  # once per message, not per recipient
    assert out["by_domain"]["x.test"]["recipients"] == 3
    assert out["by_domain"]["x.test"]["bytes"] == 150
    assert out["by_domain"]["y.test"] == {
        "messages": 1,
        "recipients": 1,
        "bytes": 100,
        "ages": dict(out["by_domain"]["y.test"]["ages"]),
    }
    assert out["by_domain"]["y.test"]["ages"]["5"] == 1
    assert out["domains"] == 2
    assert list(out["by_domain"]) == ["x.test", "y.test"]


def test_summary_limit_domains_keeps_largest():
    summary = Summary()
    for i in range(3):
        summary.add(rec(f"A{i}", rcpts=(("a@big.test", None),)), NOW)
    summary.add(rec("B", rcpts=(("a@small.test", None),)), NOW)
    out = summary.as_dict(limit_domains=1)
    assert list(out["by_domain"]) == ["big.test"]
    assert out["domains"] == 2
    assert summary.as_dict(limit_domains=0)["by_domain"] == {}


# -- selection ------------------------------------------------------------


def stream(selection, records):
    for r in records:
        selection.feed(r)
    return selection


def test_selection_targets_only_queues_the_action_applies_to():
    records = [
        rec("H1", queue="hold", rcpts=(("a@x.test", None),)),
        rec("D1", queue="deferred", rcpts=(("a@x.test", "t"),)),
        rec("D2", queue="deferred", rcpts=(("a@y.test", "t"),)),
        rec("M1", queue="maildrop", rcpts=()),
    ]
    sel = stream(Selection(filters(recipient="@x.test"), "release", NOW), records)
    assert sel.selected == 2
    assert sel.targets == ["H1"]
    assert sel.target_counts == {"hold": 1}
    assert sel.queue_counts == {"maildrop": 1, "incoming": 0, "active": 0, "deferred": 2, "hold": 1}

    sel = stream(Selection(filters(), "hold", NOW), records)
    assert sel.targets == ["D1", "D2"]

    sel = stream(Selection(filters(), "delete", NOW), records)
    assert sel.targets == ["H1", "D1", "D2", "M1"]
    assert sel.target_counts == {"hold": 1, "deferred": 2, "maildrop": 1}

    sel = stream(Selection(filters(), "list", NOW), records)
    assert sel.selected == 4 and sel.targets == []


def test_selection_limit_and_duplicates_and_missing_ids():
    records = [rec(f"A{i}") for i in range(5)] + [rec("A0", queue="active")]
    sel = stream(Selection(filters(ids=["A0", "A1", "A3", "GONE"]), "delete", NOW, limit_messages=2), records)
    assert sel.selected == 3
    assert sel.targets == ["A0", "A1", "A3"]
    assert sel.queue_ids == ["A0", "A1"]
    assert [m["queue_id"] for m in sel.messages] == ["A0", "A1"]
    assert sel.messages[0]["age"] == 60
    assert sel.truncated
    assert sel.missing_ids == ["GONE"]
    assert sel.summary.messages == 3
    assert sel.queue_counts["deferred"] == 5 and sel.queue_counts["active"] == 1


def test_selection_limit_zero_returns_no_records():
    sel = stream(Selection(filters(), "list", NOW, limit_messages=0), [rec("A"), rec("B")])
    assert sel.messages == [] and sel.queue_ids == [] and sel.truncated and sel.selected == 2


def test_selection_site():
    records = [
        rec("D1", rcpts=(("a@Site.test", "t"),)),
        rec("D2", rcpts=(("a@sub.site.test", "t"),)),
        rec("H1", queue="hold", rcpts=(("a@site.test", None),)),
    ]
    sel = stream(Selection(filters(), "flush", NOW, site="site.test."), records)
    assert sel.selected == 1 and sel.targets == ["D1"]


# -- postsuper and counts -------------------------------------------------


def test_parse_postsuper_output():
    text = (
        "postsuper: 1A2B3C: removed\n"
        "postsuper: warning: invalid mail queue id: BAD!!\n"
        "postsuper: 4D5E6F: removed\n"
        "postsuper: Deleted: 2 messages\n"
    )
    assert parse_postsuper_output(text) == (2, ["1A2B3C", "4D5E6F"])
    assert parse_postsuper_output("postsuper: Placed on hold: 1 message\n") == (1, [])
    assert parse_postsuper_output("postsuper: ABC: released from hold\npostsuper: Released from hold: 1 message\n") == (
        1,
        ["ABC"],
    )
    assert parse_postsuper_output("postsuper: ABC: requeued\npostsuper: Requeued: 1 message\n") == (1, ["ABC"])
    assert parse_postsuper_output("postsuper: Deleted: 0 messages\n") == (0, [])
    assert parse_postsuper_output("postsuper: ABC: removed\n") == (None, ["ABC"])
    assert parse_postsuper_output("") == (None, [])


def test_counts_after():
    before = {"maildrop": 0, "incoming": 0, "active": 1, "deferred": 10, "hold": 5}
    assert counts_after(before, "delete", {"deferred": 4, "hold": 5}) == {
        "maildrop": 0,
        "incoming": 0,
        "active": 1,
        "deferred": 6,
        "hold": 0,
    }
    assert counts_after(before, "hold", {"deferred": 10, "active": 1})["hold"] == 16
    assert counts_after(before, "release", {"hold": 5})["deferred"] == 15
    assert counts_after(before, "requeue", {"hold": 2})["maildrop"] == 2
    assert counts_after(before, "flush", {"deferred": 10}) == before
    assert counts_after(before, "list", {}) == before
    assert before["deferred"] == 10  # not modified in place
