# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.mailops.postfix.plugins.module_utils._postmap import (
    HEADER,
    PROBE_KEY,
    Entry,
    Problem,
    TableError,
    build_diff,
    builder,
    check_key,
    compiled_path,
    count_entries,
    describe_problems,
    format_value,
    key_lines,
    locate_problems,
    map_name,
    must_build,
    needs_compile,
    normalize_entries,
    parse_problems,
    parse_query_output,
    query_input,
    render_line,
    render_source,
    resolve_tables,
)

T = "/etc/postfix/access"


# -- names -----------------------------------------------------------------


@pytest.mark.parametrize(
    "map_type, expected",
    [
        ("hash", T + ".db"),
        ("btree", T + ".db"),
        ("lmdb", T + ".lmdb"),
        ("cdb", T + ".cdb"),
        ("texthash", None),
        ("regexp", None),
        ("pcre", None),
    ],
)
def test_compiled_path(map_type, expected):
    assert compiled_path(T, map_type) == expected
    assert needs_compile(map_type) is (expected is not None)


def test_compiled_path_unknown_type():
    with pytest.raises(KeyError):
        compiled_path(T, "mysql")


def test_map_name_and_builder():
    assert map_name("lmdb", T) == "lmdb:/etc/postfix/access"
    assert builder(True) == "postalias"
    assert builder(False) == "postmap"


# -- options ---------------------------------------------------------------


def _params(**kwargs):
    params = dict(
        path=None,
        type="hash",
        entries=None,
        src=None,
        aliases=False,
        owner=None,
        group=None,
        mode=None,
        state="present",
        verify=None,
        config_dir=None,
        tables=None,
    )
    params.update(kwargs)
    return params


def _item(**kwargs):
    item = dict(
        path=None,
        type=None,
        entries=None,
        src=None,
        aliases=None,
        owner=None,
        group=None,
        mode=None,
        state=None,
        verify=None,
    )
    item.update(kwargs)
    return item


def test_resolve_single_table():
    tables = resolve_tables(_params(path=T, entries={"a": "OK"}, mode="0600", verify=["a"]))
    assert len(tables) == 1
    table = tables[0]
    assert table["path"] == T
    assert table["type"] == "hash"
    assert table["state"] == "present"
    assert table["aliases"] is False
    assert table["mode"] == "0600"
    assert table["verify"] == ["a"]


def test_resolve_tables_inherit_top_level():
    tables = resolve_tables(
        _params(
            type="lmdb",
            owner="root",
            mode="0640",
            tables=[
                _item(path="/etc/postfix/a", entries={"x": "y"}),
                _item(path="/etc/postfix/b", type="pcre", mode="0644", entries=["/x/ OK"]),
                _item(path="/etc/postfix/c", state="absent"),
            ],
        )
    )
    assert [table["type"] for table in tables] == ["lmdb", "pcre", "lmdb"]
    assert [table["mode"] for table in tables] == ["0640", "0644", "0640"]
    assert [table["owner"] for table in tables] == ["root"] * 3
    assert [table["state"] for table in tables] == ["present", "present", "absent"]
    assert all(table["verify"] == [] for table in tables)


@pytest.mark.parametrize(
    "params, message",
    [
        (_params(path="relative/access", entries={}), "path must be absolute"),
        (_params(path=T), "state=present needs entries or src"),
        (_params(path=T, entries={}, src="/x"), "mutually exclusive"),
        (_params(path=T, entries={}, type="regexp", aliases=True), "aliases=true needs a type"),
        (_params(path=T, entries={}, type="nis"), "unknown type 'nis'"),
        (_params(path=T, entries={}, verify=["two\nlines"]), "verify key"),
        (_params(path=T, entries={}, verify=["tab\there"]), "verify key"),
        (_params(tables=[_item(path=T, entries={}), _item(path=T, entries={})]), "already given by tables[0]"),
        (_params(tables=[_item(path="/etc/postfix/x", state="present")]), "tables[0]): state=present needs"),
    ],
)
def test_resolve_tables_errors(params, message):
    with pytest.raises(TableError, match=None) as exc:
        resolve_tables(params)
    assert message in str(exc.value)


def test_resolve_absent_needs_no_content():
    assert resolve_tables(_params(path=T, state="absent"))[0]["state"] == "absent"


# -- values and keys -------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("OK", "OK"),
        ("  REJECT go away  ", "REJECT go away"),
        (550, "550"),
        (["a@example.org", "b@example.org"], "a@example.org, b@example.org"),
        (("root",), "root"),
    ],
)
def test_format_value(value, expected):
    assert format_value(value, T, "k") == expected


@pytest.mark.parametrize(
    "value, message",
    [
        (None, "empty (null)"),
        ("", "the value is empty"),
        ("   ", "the value is empty"),
        ([], "empty list"),
        (True, "boolean"),
        ({"a": 1}, "mapping"),
        ("line\nbreak", "line break"),
        (["ok", None], "empty (null)"),
    ],
)
def test_format_value_errors(value, message):
    with pytest.raises(TableError) as exc:
        format_value(value, T, "some.key")
    assert message in str(exc.value)
    assert T in str(exc.value)
    assert "'some.key'" in str(exc.value)


@pytest.mark.parametrize(
    "key, map_type, aliases",
    [
        ("example.com", "hash", False),
        ("@example.com", "lmdb", False),
        ("[smtp.example.net]:587", "hash", False),
        (12345, "hash", False),
        ("/^Subject: buy now/", "regexp", False),
        ("/^From: .*@spam\\.example/", "pcre", False),
        ("postmaster", "hash", True),
        ('"with space"', "hash", True),
    ],
)
def test_check_key_ok(key, map_type, aliases):
    assert check_key(key, map_type, aliases, T) == str(key)


@pytest.mark.parametrize(
    "key, map_type, aliases, message",
    [
        ("", "hash", False, "empty key"),
        ("  ", "hash", False, "empty key"),
        ("two words", "hash", False, "contains whitespace"),
        ("tab\tkey", "lmdb", False, "contains whitespace"),
        ("line\nbreak", "hash", False, "line break"),
        (" lead", "hash", False, "continuation line"),
        ("#comment", "hash", False, "comment"),
        ("#/x/", "regexp", False, "comment"),
        ("name: x", "hash", True, "must be quoted"),
        ("two words", "hash", True, "must be quoted"),
        (True, "hash", False, "invalid key"),
        (None, "hash", False, "invalid key"),
    ],
)
def test_check_key_errors(key, map_type, aliases, message):
    with pytest.raises(TableError) as exc:
        check_key(key, map_type, aliases, T)
    assert message in str(exc.value)
    assert T in str(exc.value)


def test_normalize_mapping_keeps_order():
    items = normalize_entries({"b.example": "OK", "a.example": "REJECT"}, "hash", False, T)
    assert items == [Entry("b.example", "OK"), Entry("a.example", "REJECT")]


def test_normalize_list_mixes_raw_lines_and_entries():
    items = normalize_entries(
        [
            "# comment",
            {"key": "a.example", "value": "OK"},
            "/^Subject:.*viagra/ REJECT No spam please\n",
        ],
        "hash",
        False,
        T,
    )
    assert items == ["# comment", Entry("a.example", "OK"), "/^Subject:.*viagra/ REJECT No spam please"]


@pytest.mark.parametrize(
    "entries, message",
    [
        ("a b", "must be a mapping or a list"),
        ([{"key": "a"}], 'exactly the keys "key" and "value"'),
        ([{"key": "a", "value": "b", "x": 1}], "exactly the keys"),
        ([42], "expected a string"),
        (["bad\r\n"], "carriage return"),
        ({"Foo.example": "OK", "foo.example": "REJECT"}, "duplicate key (same as 'Foo.example'"),
        ([{"key": "a", "value": 1}, {"key": "a", "value": 2}], "duplicate key"),
    ],
)
def test_normalize_errors(entries, message):
    with pytest.raises(TableError) as exc:
        normalize_entries(entries, "hash", False, T)
    assert message in str(exc.value)


def test_normalize_pattern_tables_allow_repeated_keys():
    items = normalize_entries([{"key": "/a/", "value": "OK"}, {"key": "/a/", "value": "REJECT"}], "pcre", False, T)
    assert len(items) == 2


def test_render_line():
    assert render_line(Entry("a", "b c"), False) == "a b c"
    assert render_line(Entry("root", "x@y, z@y"), True) == "root: x@y, z@y"
    assert render_line("/x/ OK", True) == "/x/ OK"


def test_render_source():
    items = normalize_entries({"postmaster": "root", "root": ["a@x", "b@x"]}, "hash", True, "/etc/aliases")
    assert render_source(items, True) == HEADER + "\npostmaster: root\nroot: a@x, b@x\n"
    assert render_source([], False) == HEADER + "\n"
    assert render_source([Entry("a", "b")], False, header=False) == "a b\n"
    assert render_source([], False, header=False) == ""


# -- counting --------------------------------------------------------------


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"", 0),
        (b"a b\n", 1),
        (b"a b", 1),
        (b"# c\na b\n\nc d\n", 2),
        (b"a b\n  continued\n\tcontinued\nc d\n", 2),
        (b"\n\n\n", 0),
        (b"#x\n#y\n", 0),
        (b"a b\r\n\r\nc d\r\n", 2),
        (b"   \n", 0),
        ((HEADER + "\n/x/ OK\nif /y/\n/z/ OK\nendif\n").encode(), 4),
    ],
)
def test_count_entries(data, expected):
    assert count_entries(data) == expected


def test_count_entries_big():
    data = b"".join(b"user%d@example.test OK\n" % i for i in range(100000))
    assert count_entries(b"# header\n" + data) == 100000


# -- Postfix diagnostics ---------------------------------------------------

S = "/etc/postfix/.access.abc123.mailops"


def test_parse_problems_regexp():
    stderr = (
        f"postmap: warning: regexp map {S}, line 1: Unmatched ( or \\(\n"
        f"postmap: warning: regexp map {S}, line 3: Invalid regular expression\n"
        "postmap: warning: /etc/postfix/main.cf, line 7: overriding earlier entry: a=b\n"
    )
    problems, others = parse_problems(stderr, S)
    assert problems == [
        Problem(1, "Unmatched ( or \\(", "warning"),
        Problem(3, "Invalid regular expression", "warning"),
    ]
    assert others == ["postmap: warning: /etc/postfix/main.cf, line 7: overriding earlier entry: a=b"]


def test_parse_problems_pcre_and_hash_and_alias():
    stderr = "\n".join(
        [
            f"postmap: warning: pcre map {S}, line 2: error in regex at offset 5: missing closing parenthesis",
            f"postmap: warning: {S}, line 5: expected format: key whitespace value",
            f"postalias: warning: {S}, line 4: need name:value pair",
            f'postmap: warning: {S}.db: duplicate entry: "a"',
            f"postmap: fatal: open database {S}.db: No such file or directory",
        ]
    )
    problems, others = parse_problems(stderr, S)
    assert problems == [
        Problem(2, "error in regex at offset 5: missing closing parenthesis", "warning"),
        Problem(5, "expected format: key whitespace value", "warning"),
        Problem(4, "need name:value pair", "warning"),
        Problem(None, 'duplicate entry: "a"', "warning"),
        Problem(None, "No such file or directory", "fatal"),
    ]
    assert others == []


def test_parse_problems_ignores_other_tables_and_noise():
    stderr = "postmap: warning: /etc/postfix/.other.x.mailops, line 1: bad\nsome other text\n\n"
    problems, others = parse_problems(stderr, S)
    assert problems == []
    assert others == ["postmap: warning: /etc/postfix/.other.x.mailops, line 1: bad", "some other text"]


def test_parse_problems_does_not_match_prefix_of_longer_name():
    problems, _others = parse_problems(f"postmap: warning: {S}x, line 1: bad", S)
    assert problems == []


def test_key_lines():
    data = HEADER + "\na b\nA c\n#a d\n  a continued\nb x\n"
    assert key_lines(data, "a", False) == [2, 3]
    aliases = 'root: x\n"a b": y\nRoot: z\n'
    assert key_lines(aliases, "root", True) == [1, 3]
    assert key_lines(aliases, '"a b"', True) == [2]


def test_locate_problems_duplicates():
    data = HEADER + "\na b\nc d\nA e\n"
    located = locate_problems([Problem(None, 'duplicate entry: "a"'), Problem(3, "other")], data, False)
    assert located == [Problem(4, 'duplicate entry: "a" (first at line 2)'), Problem(3, "other")]


def test_locate_problems_unknown_key_kept():
    problem = Problem(None, 'duplicate entry: "zz"')
    assert locate_problems([problem], "a b\n", False) == [problem]


def test_describe_problems_names_table_line_and_text():
    data = HEADER + "\n/ok/ OK\n/bar[/ REJECT\n"
    message = describe_problems(
        "regexp table /etc/postfix/header_checks is invalid",
        [Problem(3, "Invalid regular expression"), Problem(9, "far away"), Problem(None, "general")],
        data,
    )
    assert message == (
        "regexp table /etc/postfix/header_checks is invalid: line 3 ('/bar[/ REJECT'): Invalid regular expression; "
        "line 9: far away; general"
    )


def test_describe_problems_limit():
    problems = [Problem(number, "bad") for number in range(1, 15)]
    message = describe_problems("t", problems, "", limit=3)
    assert message == "t: line 1: bad; line 2: bad; line 3: bad; and 11 more"


def test_parse_query_output():
    assert parse_query_output("a\tOK\nb\tREJECT go\taway\n", False) == {"a": "OK", "b": "REJECT go\taway"}
    assert parse_query_output("root:\ta@x, b@y\npostmaster:\troot\n", True) == {
        "root": "a@x, b@y",
        "postmaster": "root",
    }
    assert parse_query_output("Subject: buy viagra\tREJECT No spam\n", False) == {
        "Subject: buy viagra": "REJECT No spam"
    }
    assert parse_query_output("garbage\n", False) == {}


def test_query_input():
    assert query_input(["a", "b"]) == "a\nb\n"
    assert query_input([]) == PROBE_KEY + "\n"


# -- decisions -------------------------------------------------------------


@pytest.mark.parametrize(
    "map_type, changed, source, compiled, expected",
    [
        ("hash", True, 10, 20, True),  # content changed
        ("hash", False, 10, None, True),  # compiled missing
        ("hash", False, 20, 10, True),  # compiled older than source
        ("hash", False, 10, 10, False),  # same mtime: up to date
        ("lmdb", False, 10, 20, False),  # compiled newer: up to date
        ("cdb", False, None, 20, True),  # no source yet
        ("regexp", True, 10, None, False),  # never compiled
        ("pcre", False, 10, None, False),
        ("texthash", True, None, None, False),
    ],
)
def test_must_build(map_type, changed, source, compiled, expected):
    assert must_build(map_type, changed, source, compiled) is expected


def test_build_diff():
    diff = build_diff(T, b"a b\n", b"a c\n")
    assert diff == {"before_header": T, "after_header": T, "before": "a b\n", "after": "a c\n"}
    assert build_diff(T, None, b"x y\n")["before"] == ""
    assert build_diff(T, b"x y\n", None)["after"] == ""


def test_build_diff_too_large():
    diff = build_diff(T, b"x" * 11, b"y", max_size=10)
    assert diff == {"before_header": T, "after_header": T, "dst_larger": 10}
    diff = build_diff(T, b"x", b"y" * 11, max_size=10)
    assert diff == {"before_header": T, "after_header": T, "src_larger": 10}


def test_table_options_are_declared_once_for_the_top_level_and_tables():
    from ansible_collections.mailops.postfix.plugins.module_utils._postmap import ARGUMENT_SPEC, TABLE_OPTION_SPEC

    spec = ARGUMENT_SPEC["argument_spec"]
    assert spec["tables"]["options"] is TABLE_OPTION_SPEC
    for name, option in TABLE_OPTION_SPEC.items():
        assert spec[name]["type"] == option["type"]
        assert spec[name].get("choices") == option.get("choices")
    assert "required" not in spec["path"] and TABLE_OPTION_SPEC["path"]["required"] is True
    assert (spec["type"]["default"], spec["aliases"]["default"], spec["state"]["default"]) == ("hash", False, "present")
    assert all("default" not in option for option in TABLE_OPTION_SPEC.values())
