# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: mailops.postfix contributors

from __future__ import annotations

import pytest

from ansible_collections.mailops.postfix.plugins.module_utils._dnsbl import (
    ERROR,
    KIND_ANSWER,
    KIND_DEADLINE,
    KIND_ERROR,
    KIND_NO_NAMESERVERS,
    KIND_NODATA,
    KIND_NXDOMAIN,
    KIND_REFUSED,
    KIND_SERVFAIL,
    KIND_TIMEOUT,
    LISTED,
    NOT_LISTED,
    DnsblError,
    Outcome,
    Verdict,
    apply_health,
    classify,
    health_verdict,
    listed_message,
    parse_code_pattern,
    parse_code_patterns,
    parse_list_spec,
    parse_nameserver,
    parse_target,
    query_name,
    summarize,
    txt_reason,
)


def answer(*codes: str) -> Outcome:
    return Outcome(KIND_ANSWER, tuple(codes))


# --- query names ------------------------------------------------------------


def test_query_name_ipv4_reverses_octets():
    assert query_name(parse_target("192.0.2.99"), "dnsbl.test") == "99.2.0.192.dnsbl.test"


def test_query_name_ipv4_test_entry():
    assert query_name(parse_target("127.0.0.2"), "zen.example") == "2.0.0.127.zen.example"


def test_query_name_ipv6_nibbles_rfc5782_example():
    # RFC 5782 section 2.4: 2001:db8:1:2:3:4:567:89ab
    name = query_name(parse_target("2001:DB8:1:2:3:4:567:89AB"), "ugly.example.com")
    assert name == "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ugly.example.com"


def test_query_name_ipv6_compressed_is_expanded_to_32_nibbles():
    name = query_name(parse_target("2001:db8::1"), "bl.test")
    labels = name.split(".")
    assert len(labels) == 32 + 2
    assert labels[0] == "1" and labels[31] == "2"
    assert set(labels[1:24]) == {"0"} and labels[24:32] == list("8bd01002")


def test_query_name_ipv6_test_entry_is_mapped_loopback():
    name = query_name(parse_target("::ffff:7f00:2"), "bl.test")
    assert name.startswith("2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0")


def test_query_name_domain_is_prepended_lower_case():
    assert query_name(parse_target("Spam.Example."), "dbl.test") == "spam.example.dbl.test"


def test_query_name_idn_domain_is_punycoded():
    assert query_name(parse_target("bücher.example"), "dbl.test") == "xn--bcher-kva.example.dbl.test"


def test_query_name_too_long_names_the_address():
    target = parse_target(".".join(["a" * 61] * 4))
    with pytest.raises(DnsblError, match="longer than 253"):
        query_name(target, "dbl.test")


# --- targets ----------------------------------------------------------------


@pytest.mark.parametrize(
    "value, kind, normal",
    [
        ("192.0.2.1", "ip4", "192.0.2.1"),
        (" 192.0.2.1 ", "ip4", "192.0.2.1"),
        ("2001:DB8::1", "ip6", "2001:db8::1"),
        ("::ffff:192.0.2.1", "ip6", "::ffff:c000:201"),
        ("Example.ORG", "domain", "example.org"),
        ("test", "domain", "test"),
    ],
)
def test_parse_target(value, kind, normal):
    target = parse_target(value)
    assert (target.kind, target.value) == (kind, normal)
    assert target.list_type == ("domain" if kind == "domain" else "ip")


@pytest.mark.parametrize("value", ["192.0.2.300", "192.0.2", "1.2.3.4.5", "2001:db8::1::2", "fe80::1%eth0", "01.2.3.4"])
def test_parse_target_invalid_ip_names_the_value(value):
    with pytest.raises(DnsblError) as info:
        parse_target(value)
    assert "invalid IP address" in str(info.value)
    assert repr(value) in str(info.value)


@pytest.mark.parametrize("value", ["", "   ", "bad..example", "-bad.example", "bad_.exa mple", None, 42])
def test_parse_target_invalid_names_the_value(value):
    with pytest.raises(DnsblError) as info:
        parse_target(value)
    assert repr(value) in str(info.value)


# --- reply code patterns ----------------------------------------------------


@pytest.mark.parametrize(
    "pattern, code, expected",
    [
        ("127.0.0.2", "127.0.0.2", True),
        ("127.0.0.2", "127.0.0.3", False),
        ("127.0.0.[2..11]", "127.0.0.2", True),
        ("127.0.0.[2..11]", "127.0.0.11", True),
        ("127.0.0.[2..11]", "127.0.0.12", False),
        ("127.0.0.[2..11]", "127.0.0.1", False),
        ("127.0.0.[2;4;10..11]", "127.0.0.4", True),
        ("127.0.0.[2;4;10..11]", "127.0.0.3", False),
        ("127.0.[0..255].[1..3]", "127.0.15.3", True),
        ("127.0.[0..255].[1..3]", "127.0.15.0", False),
        ("127.255.255.0/24", "127.255.255.254", True),
        ("127.255.255.0/24", "127.0.0.2", False),
        ("127.0.0.2", "not-an-address", False),
    ],
)
def test_code_pattern_matches(pattern, code, expected):
    assert parse_code_pattern(pattern).matches(code) is expected


@pytest.mark.parametrize(
    "pattern",
    [
        "",
        "127.0.0",
        "127.0.0.256",
        "127.0.0.[2..]",
        "127.0.0.[11..2]",
        "127.0.0.[]",
        "127.0.0.x",
        "127.0.0.0/33",
        "127.0.0.[2;;3]",
        "127.0.0.2.1",
    ],
)
def test_code_pattern_invalid_names_the_pattern(pattern):
    with pytest.raises(DnsblError) as info:
        parse_code_pattern(pattern)
    assert repr(pattern) in str(info.value)


def test_code_patterns_from_string_or_list():
    assert [p.text for p in parse_code_patterns("127.0.0.2, 127.0.0.[4..5]", "x")] == ["127.0.0.2", "127.0.0.[4..5]"]
    assert [p.text for p in parse_code_patterns(["127.0.0.2"], "x")] == ["127.0.0.2"]
    with pytest.raises(DnsblError, match="no reply code"):
        parse_code_patterns([], "listed_codes")


# --- list specifications ----------------------------------------------------


def test_list_spec_plain_zone_defaults():
    spec = parse_list_spec("Zen.Example.")
    assert spec.zone == "zen.example"
    assert spec.type == "ip"
    assert spec.listed_codes is None
    assert [p.text for p in spec.error_codes] == ["127.255.255.0/24", "127.0.0.1"]
    assert spec.name == "zen.example"


def test_list_spec_postfix_filter_syntax():
    spec = parse_list_spec("zen.example=127.0.0.[2..11]")
    assert spec.zone == "zen.example"
    assert [p.text for p in spec.listed_codes] == ["127.0.0.[2..11]"]
    assert spec.name == "zen.example=127.0.0.[2..11]"


def test_list_spec_postscreen_weight_is_accepted():
    spec = parse_list_spec("bl.example=127.0.0.2*3")
    assert (spec.zone, spec.weight, spec.listed_codes[0].text) == ("bl.example", 3, "127.0.0.2")
    assert parse_list_spec("wl.example*-2").weight == -2


def test_list_spec_dict():
    spec = parse_list_spec(
        {"zone": "dbl.example", "type": "domain", "listed_codes": ["127.0.1.[2..99]"], "error_codes": "127.0.1.255"}
    )
    assert spec.type == "domain"
    assert spec.to_dict() == {
        "name": "dbl.example=127.0.1.[2..99]",
        "zone": "dbl.example",
        "type": "domain",
        "listed_codes": ["127.0.1.[2..99]"],
        "error_codes": ["127.0.1.255"],
        "weight": None,
    }


def test_list_spec_empty_error_codes_disables_them():
    assert parse_list_spec({"zone": "bl.example", "error_codes": []}).error_codes == ()


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "empty zone name"),
        ("  ", "empty zone name"),
        ("=127.0.0.2", "empty zone name"),
        ({"type": "ip"}, "empty zone name"),
        ({"zone": ""}, "empty zone name"),
        ("bl..example", "'bl..example'"),
        ("bl.example=", "empty reply filter"),
        ("bl.example=127.0.0.[2..x]", "'127.0.0.[2..x]'"),
        ({"zone": "bl.example", "type": "url"}, "invalid type 'url'"),
        ({"zone": "bl.example", "codes": "127.0.0.2"}, "unknown key"),
        ({"zone": "bl.example=127.0.0.2", "listed_codes": "127.0.0.3"}, "not both"),
        (42, "expected a zone name"),
    ],
)
def test_list_spec_invalid(value, message):
    with pytest.raises(DnsblError, match=None) as info:
        parse_list_spec(value)
    assert message in str(info.value)


# --- nameserver -------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("127.0.0.1", ("127.0.0.1", 53)),
        ("127.0.0.1:5353", ("127.0.0.1", 5353)),
        ("::1", ("::1", 53)),
        ("[::1]:5353", ("::1", 5353)),
        ("[2001:db8::53]", ("2001:db8::53", 53)),
    ],
)
def test_parse_nameserver(value, expected):
    assert parse_nameserver(value) == expected


@pytest.mark.parametrize(
    "value", ["", "ns1.example", "127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1:x", "[::1", "[::1]5353"]
)
def test_parse_nameserver_invalid(value):
    with pytest.raises(DnsblError) as info:
        parse_nameserver(value)
    assert repr(value) in str(info.value)


# --- classification ---------------------------------------------------------

PLAIN = parse_list_spec("bl.test")
FILTERED = parse_list_spec("zen.test=127.0.0.[2..3]")


def test_classify_listed_with_codes_sorted():
    verdict = classify(answer("127.0.0.10", "127.0.0.2"), PLAIN)
    assert verdict == Verdict(LISTED, ("127.0.0.2", "127.0.0.10"))


def test_classify_nxdomain_and_nodata_are_not_listed():
    assert classify(Outcome(KIND_NXDOMAIN), PLAIN) == Verdict(NOT_LISTED)
    assert classify(Outcome(KIND_NODATA), PLAIN) == Verdict(NOT_LISTED)


def test_classify_filter_keeps_matching_codes():
    assert classify(answer("127.0.0.2", "127.0.0.10"), FILTERED) == Verdict(LISTED, ("127.0.0.2",))


def test_classify_filter_ignores_other_codes_as_not_listed():
    verdict = classify(answer("127.0.0.10", "127.0.0.11"), FILTERED)
    assert verdict.status == NOT_LISTED
    assert verdict.codes == ("127.0.0.10", "127.0.0.11")
    assert verdict.error is None


def test_classify_filter_not_applied_when_asked():
    assert classify(answer("127.0.0.10"), FILTERED, apply_filter=False).status == LISTED


@pytest.mark.parametrize(
    "code, meaning",
    [
        ("127.255.255.252", "typing error"),
        ("127.255.255.254", "public or open resolver"),
        ("127.255.255.255", "excessive number of queries"),
        ("127.255.255.1", "matching 127.255.255.0/24"),
        ("127.0.0.1", "never a listing"),
    ],
)
def test_classify_error_codes(code, meaning):
    verdict = classify(answer(code), PLAIN)
    assert verdict.status == ERROR
    assert code in verdict.error and meaning in verdict.error


def test_classify_error_code_wins_over_listing_and_filter():
    assert classify(answer("127.0.0.2", "127.255.255.254"), FILTERED).status == ERROR


def test_classify_custom_error_codes():
    spec = parse_list_spec({"zone": "wl.test", "error_codes": ["127.0.0.255"]})
    assert classify(answer("127.0.0.255"), spec).status == ERROR
    assert classify(answer("127.255.255.254"), spec).status == LISTED


@pytest.mark.parametrize("code", ["192.0.2.80", "10.0.0.1", "0.0.0.0"])
def test_classify_non_loopback_is_error(code):
    verdict = classify(answer(code), PLAIN)
    assert verdict.status == ERROR
    assert "non-loopback" in verdict.error and "dead or parked" in verdict.error


def test_classify_non_loopback_is_error_even_if_filter_matches():
    spec = parse_list_spec("odd.test=0.0.0.0/0")
    assert classify(answer("192.0.2.80"), spec).status == ERROR


@pytest.mark.parametrize(
    "kind, text",
    [
        (KIND_TIMEOUT, "timeout"),
        (KIND_SERVFAIL, "SERVFAIL"),
        (KIND_REFUSED, "REFUSED"),
        (KIND_NO_NAMESERVERS, "no nameserver"),
        (KIND_DEADLINE, "deadline"),
        (KIND_ERROR, "DNS error"),
    ],
)
def test_classify_failures_are_errors_never_not_listed(kind, text):
    verdict = classify(Outcome(kind, message="details"), PLAIN)
    assert verdict.status == ERROR
    assert text in verdict.error and "details" in verdict.error


def test_txt_reason():
    assert txt_reason(Outcome(KIND_ANSWER, ("Listed: spam", "see url"))) == "Listed: spam; see url"
    assert txt_reason(Outcome(KIND_TIMEOUT, message="x")) is None
    assert txt_reason(None) is None


# --- health -----------------------------------------------------------------

LISTED_2 = Verdict(LISTED, ("127.0.0.2",))
CLEAN = Verdict(NOT_LISTED)


def test_health_ok():
    healthy, reason = health_verdict(PLAIN, LISTED_2, CLEAN)
    assert healthy is True and "RFC 5782" in reason


def test_health_wildcard_fails():
    healthy, reason = health_verdict(PLAIN, LISTED_2, Verdict(LISTED, ("127.0.0.2",)))
    assert healthy is False and "wildcard" in reason and "127.0.0.1" in reason


def test_health_answers_nothing_fails():
    healthy, reason = health_verdict(PLAIN, CLEAN, CLEAN)
    assert healthy is False and "answers for nothing" in reason


def test_health_inverted_fails():
    healthy, reason = health_verdict(PLAIN, CLEAN, LISTED_2)
    assert healthy is False and "inverted" in reason


def test_health_error_fails_with_the_error():
    healthy, reason = health_verdict(PLAIN, Verdict(ERROR, error="timeout: 1s"), CLEAN)
    assert healthy is False and reason == "test entry 127.0.0.2: timeout: 1s"
    healthy, reason = health_verdict(PLAIN, LISTED_2, Verdict(ERROR, error="SERVFAIL"))
    assert healthy is False and reason.startswith("test entry 127.0.0.1")


def test_health_domain_list_uses_test_and_invalid():
    spec = parse_list_spec({"zone": "dbl.test", "type": "domain"})
    healthy, reason = health_verdict(spec, CLEAN, CLEAN)
    assert healthy is False and "test entry test" in reason


def test_health_wildcard_of_error_codes_fails():
    # A list that answers 127.0.0.1 for everything: the positive probe is an error.
    wildcard = classify(answer("127.0.0.1"), PLAIN, apply_filter=False)
    healthy, _reason = health_verdict(PLAIN, wildcard, wildcard)
    assert healthy is False


def test_health_parked_domain_fails():
    parked = classify(answer("192.0.2.80"), PLAIN, apply_filter=False)
    healthy, reason = health_verdict(PLAIN, parked, parked)
    assert healthy is False and "non-loopback" in reason


# --- report -----------------------------------------------------------------


def result(address, zone, status, codes=()):
    return {
        "address": address,
        "list": zone,
        "zone": zone,
        "status": status,
        "codes": list(codes),
        "reason": None,
        "error": None,
    }


def test_apply_health_turns_unhealthy_results_into_errors():
    results = [result("192.0.2.1", "wild.test", LISTED, ["127.0.0.2"]), result("192.0.2.1", "ok.test", NOT_LISTED)]
    lists = {"wild.test": {"healthy": False, "reason": "wildcard"}, "ok.test": {"healthy": True, "reason": "ok"}}
    apply_health(results, lists)
    assert results[0]["status"] == ERROR and "failed its health check: wildcard" in results[0]["error"]
    assert results[1]["status"] == NOT_LISTED


def test_summarize_and_listed_message():
    results = [
        result("192.0.2.99", "a.test", LISTED, ["127.0.0.2"]),
        result("192.0.2.99", "b.test", LISTED, ["127.0.0.3"]),
        result("192.0.2.1", "a.test", NOT_LISTED),
        result("192.0.2.1", "b.test", ERROR),
    ]
    lists = {"a.test": {"healthy": True}, "b.test": {"healthy": False}, "c.test": {"healthy": None}}
    summary = summarize(results, lists, 2, 0.12345)
    assert summary == {
        "addresses": 2,
        "lists": 3,
        "lookups": 4,
        "listed": 2,
        "not_listed": 1,
        "errors": 1,
        "healthy": 1,
        "unhealthy": 1,
        "elapsed": 0.123,
    }
    assert listed_message(results) == "listed on DNSBL: 192.0.2.99 on a.test (127.0.0.2), b.test (127.0.0.3)"
