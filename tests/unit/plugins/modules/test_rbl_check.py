# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: mailops.postfix contributors
"""rbl_check against a small DNS server on 127.0.0.1 (ephemeral port) that
this test runs in a thread: listings, TXT reasons, error codes, SERVFAIL,
REFUSED, a silent server (timeout), the deadline and the health check."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time

# dnspython is a requirement of the tests (tests/requirements.txt): a
# missing one is an error, never a skip.
import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.resolver
import dns.rrset
import pytest

from ansible_collections.mailops.postfix.plugins.module_utils import _dns_query
from ansible_collections.mailops.postfix.plugins.modules import rbl_check
from ansible_collections.mailops.postfix.tests.unit.compat import patch_module_args

ZONES = {
    # zone: {name relative to zone: [A codes]}, "*" is a wildcard
    "dnsbl.test": {
        "2.0.0.127": ["127.0.0.2"],
        "99.2.0.192": ["127.0.0.2", "127.0.0.4"],
        "10.2.0.192": ["127.255.255.254"],
        "11.2.0.192": ["127.0.0.10"],
        "12.2.0.192": ["127.0.0.1"],
    },
    "wild.test": {"*": ["127.0.0.2"]},
    "parked.test": {"*": ["192.0.2.80"]},
    "empty.test": {},
    "dbl.test": {"test": ["127.0.1.2"], "spam.example": ["127.0.1.2"]},
}
TXT = {"99.2.0.192.dnsbl.test": "Listed for testing", "spam.example.dbl.test": "Spam domain"}
SERVFAIL_ZONE = "servfail.test"
REFUSED_ZONE = "refused.test"
SILENT_ZONE = "silent.test"


def lookup(name: str):
    for zone, records in ZONES.items():
        if name == zone or name.endswith("." + zone):
            relative = name[: -len(zone) - 1]
            if relative in records:
                return records[relative]
            return records.get("*")
    return None


CNAMES = {"13.2.0.192.dnsbl.test": "99.2.0.192.dnsbl.test"}
TRUNCATED_TXT = {"14.2.0.192.dnsbl.test": "a long reason " * 40}


QUERIES = {"count": 0}  # every query the test server received, over UDP or TCP


def answer(data: bytes, tcp: bool):
    """The response to a query, or None to stay silent."""
    QUERIES["count"] += 1
    query = dns.message.from_wire(data)
    question = query.question[0]
    name = question.name.to_text(omit_final_dot=True).lower()
    if name.endswith(SILENT_ZONE):
        return None
    response = dns.message.make_response(query)
    if name.endswith(SERVFAIL_ZONE):
        response.set_rcode(dns.rcode.SERVFAIL)
    elif name.endswith(REFUSED_ZONE):
        response.set_rcode(dns.rcode.REFUSED)
    elif name in CNAMES:
        target = CNAMES[name]
        response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "CNAME", target + "."))
        response.answer.append(dns.rrset.from_text(target + ".", 60, "IN", "A", *lookup(target)))
    elif name in TRUNCATED_TXT:
        if question.rdtype == dns.rdatatype.A:
            response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "A", "127.0.0.2"))
        elif question.rdtype == dns.rdatatype.TXT and not tcp:
            response.flags |= dns.flags.TC
        elif question.rdtype == dns.rdatatype.TXT:
            text = TRUNCATED_TXT[name]
            chunks = " ".join(f'"{text[i : i + 200]}"' for i in range(0, len(text), 200))
            response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "TXT", chunks))
    else:
        codes = lookup(name)
        if codes is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
        elif question.rdtype == dns.rdatatype.A:
            response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "A", *codes))
        elif question.rdtype == dns.rdatatype.TXT and name in TXT:
            response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "TXT", f'"{TXT[name]}"'))
    return response.to_wire()


class Server(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.transport = None
        self.queries = 0

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data, addr) -> None:
        self.queries += 1
        wire = answer(data, tcp=False)
        if wire is not None:
            self.transport.sendto(wire, addr)


async def serve_tcp(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            size = int.from_bytes(await reader.readexactly(2), "big")
            wire = answer(await reader.readexactly(size), tcp=True)
            if wire is None:
                break
            writer.write(len(wire).to_bytes(2, "big") + wire)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


@pytest.fixture(scope="module")
def server():
    loop = asyncio.new_event_loop()
    protocol = Server()
    ready = threading.Event()
    holder = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        transport, _protocol = loop.run_until_complete(
            loop.create_datagram_endpoint(lambda: protocol, local_addr=("127.0.0.1", 0), family=socket.AF_INET)
        )
        holder["port"] = transport.get_extra_info("sockname")[1]
        loop.run_until_complete(asyncio.start_server(serve_tcp, "127.0.0.1", holder["port"]))
        ready.set()
        loop.run_forever()
        transport.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(5)
    yield f"127.0.0.1:{holder['port']}"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def run_module(capsys, **args):
    with patch_module_args(args):
        with pytest.raises(SystemExit) as info:
            rbl_check.main()
    out = json.loads(capsys.readouterr().out)
    out["rc"] = info.value.code
    return out


def by_key(results):
    return {(r["address"], r["zone"]): r for r in results}


def test_listed_not_listed_and_errors(server, capsys):
    out = run_module(
        capsys,
        addresses=["192.0.2.99", "192.0.2.1", "192.0.2.10", "192.0.2.11", "192.0.2.12", "spam.example", "ham.example"],
        lists=["dnsbl.test", "dnsbl.test=127.0.0.[2..3]", {"zone": "dbl.test", "type": "domain"}],
        nameserver=server,
    )
    assert out["rc"] == 0 and out["changed"] is False
    results = out["results"]
    assert len(results) == 5 * 2 + 2
    plain = {r["address"]: r for r in results if r["list"] == "dnsbl.test"}
    filtered = {r["address"]: r for r in results if r["list"] == "dnsbl.test=127.0.0.[2..3]"}

    assert plain["192.0.2.99"]["status"] == "listed"
    assert plain["192.0.2.99"]["codes"] == ["127.0.0.2", "127.0.0.4"]
    assert plain["192.0.2.99"]["reason"] == "Listed for testing"
    assert plain["192.0.2.99"]["query"] == "99.2.0.192.dnsbl.test"
    assert filtered["192.0.2.99"]["codes"] == ["127.0.0.2"]

    assert plain["192.0.2.1"]["status"] == "not_listed" and plain["192.0.2.1"]["error"] is None
    assert plain["192.0.2.10"]["status"] == "error" and "127.255.255.254" in plain["192.0.2.10"]["error"]
    assert plain["192.0.2.11"]["status"] == "listed"
    assert filtered["192.0.2.11"]["status"] == "not_listed"
    assert filtered["192.0.2.11"]["codes"] == ["127.0.0.10"]
    assert plain["192.0.2.12"]["status"] == "error"

    domains = {r["address"]: r for r in results if r["zone"] == "dbl.test"}
    assert domains["spam.example"]["status"] == "listed" and domains["spam.example"]["reason"] == "Spam domain"
    assert domains["ham.example"]["status"] == "not_listed"

    assert out["listed"] == ["192.0.2.99", "192.0.2.11", "spam.example"]
    assert out["summary"]["lookups"] == 12
    assert out["lists"]["dnsbl.test"]["healthy"] is None


@pytest.mark.parametrize(
    "zone, text", [(SERVFAIL_ZONE, "SERVFAIL"), (REFUSED_ZONE, "REFUSED"), (SILENT_ZONE, "timeout")]
)
def test_failures_are_errors(server, capsys, zone, text):
    started = time.monotonic()
    out = run_module(capsys, addresses=["192.0.2.1"], lists=[zone], nameserver=server, timeout=0.5)
    assert time.monotonic() - started < 5
    (result,) = out["results"]
    assert result["status"] == "error"
    assert result["error"].startswith(text)
    assert out["summary"]["errors"] == 1 and out["listed"] == []


def test_closed_port_is_an_error(capsys):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    out = run_module(capsys, addresses=["192.0.2.1"], lists=["dnsbl.test"], nameserver=f"127.0.0.1:{port}", timeout=0.5)
    assert out["results"][0]["status"] == "error"


def test_deadline_bounds_the_run(server, capsys):
    started = time.monotonic()
    out = run_module(
        capsys,
        addresses=[f"192.0.2.{i}" for i in range(1, 21)],
        lists=[SILENT_ZONE],
        nameserver=server,
        timeout=30,
        deadline=0.5,
    )
    assert time.monotonic() - started < 3
    assert {r["status"] for r in out["results"]} == {"error"}
    assert "deadline" in out["results"][0]["error"]


def test_health_check(server, capsys):
    out = run_module(
        capsys,
        lists=[
            "dnsbl.test=127.0.0.[3..4]",
            "wild.test",
            "empty.test",
            "parked.test",
            SERVFAIL_ZONE,
            {"zone": "dbl.test", "type": "domain"},
        ],
        health_check=True,
        nameserver=server,
        timeout=0.5,
    )
    assert out["rc"] == 0
    lists = out["lists"]
    assert lists["dnsbl.test"]["healthy"] is True  # the filter does not affect the probes
    assert lists["dnsbl.test"]["probes"]["127.0.0.2"]["status"] == "listed"
    assert lists["wild.test"]["healthy"] is False and "wildcard" in lists["wild.test"]["reason"]
    assert lists["empty.test"]["healthy"] is False and "answers for nothing" in lists["empty.test"]["reason"]
    assert lists["parked.test"]["healthy"] is False and "non-loopback" in lists["parked.test"]["reason"]
    assert lists[SERVFAIL_ZONE]["healthy"] is False and "SERVFAIL" in lists[SERVFAIL_ZONE]["reason"]
    assert lists["dbl.test"]["healthy"] is True
    assert out["results"] == []
    assert out["summary"]["healthy"] == 2 and out["summary"]["unhealthy"] == 4


def test_unhealthy_list_results_are_errors(server, capsys):
    out = run_module(capsys, addresses=["192.0.2.1"], lists=["wild.test"], health_check=True, nameserver=server)
    assert out["results"][0]["status"] == "error"
    assert "failed its health check" in out["results"][0]["error"]
    assert out["listed"] == []


def test_fail_on_unhealthy(server, capsys):
    out = run_module(
        capsys, lists=["dnsbl.test", "wild.test"], health_check=True, fail_on_unhealthy=True, nameserver=server
    )
    assert out["rc"] == 1 and out["failed"] is True
    assert out["msg"].startswith("DNSBL health check failed: wild.test:")
    assert "dnsbl.test" not in out["msg"]


def test_fail_on_listed_names_addresses_and_lists(server, capsys):
    out = run_module(
        capsys, addresses=["192.0.2.99", "192.0.2.1"], lists=["dnsbl.test"], fail_on_listed=True, nameserver=server
    )
    assert out["rc"] == 1
    assert out["msg"] == "listed on DNSBL: 192.0.2.99 on dnsbl.test (127.0.0.2, 127.0.0.4)"
    assert out["listed"] == ["192.0.2.99"]


@pytest.mark.parametrize(
    "args, message",
    [
        (dict(addresses=["192.0.2.300"], lists=["dnsbl.test"]), "invalid IP address '192.0.2.300'"),
        (dict(addresses=["192.0.2.1"], lists=[""]), "empty zone name"),
        (dict(addresses=["192.0.2.1"], lists=[]), "option lists is empty"),
        (dict(addresses=[], lists=["dnsbl.test"]), "nothing to do"),
        (dict(addresses=["192.0.2.1"], lists=["dnsbl.test"], nameserver="ns.example"), "'ns.example' is not an IP"),
        (dict(addresses=["192.0.2.1"], lists=["dnsbl.test"], timeout=0), "option timeout must be a positive number"),
        (dict(lists=["dnsbl.test"], fail_on_unhealthy=True), "requires health_check=true"),
        (dict(addresses=["192.0.2.1"], lists=["x.test", {"zone": "x.test", "type": "domain"}]), "both as an ip and"),
    ],
)
def test_bad_input_fails_before_any_query(server, capsys, monkeypatch, args, message):
    def no_lookups(*args, **kwargs):
        raise AssertionError("rbl_check started its lookups on bad input")

    monkeypatch.setattr(_dns_query, "run_lookups", no_lookups)
    monkeypatch.setattr(rbl_check, "make_resolver", no_lookups)
    before = QUERIES["count"]
    out = run_module(capsys, **{"nameserver": server, **args})
    assert out["rc"] == 1
    assert message in out["msg"]
    assert QUERIES["count"] == before, "the DNS server was asked"


def test_cname_and_truncation_go_through_the_resolver(server, capsys):
    out = run_module(capsys, addresses=["192.0.2.13", "192.0.2.14"], lists=["dnsbl.test"], nameserver=server)
    results = {r["address"]: r for r in out["results"]}
    assert results["192.0.2.13"]["status"] == "listed"  # CNAME to 192.0.2.99's entry
    assert results["192.0.2.13"]["codes"] == ["127.0.0.2", "127.0.0.4"]
    assert results["192.0.2.14"]["status"] == "listed"
    assert results["192.0.2.14"]["reason"] == TRUNCATED_TXT["14.2.0.192.dnsbl.test"]  # over TCP


def test_first_nameserver():
    resolver = _dns_query.make_resolver(("127.0.0.1", 5353), 5.0)
    assert _dns_query.first_nameserver(resolver) == ("127.0.0.1", 5353)
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["::1", "127.0.0.1"]
    assert _dns_query.first_nameserver(resolver) == ("::1", 53)
    resolver.nameservers = []
    assert _dns_query.first_nameserver(resolver) is None


def test_without_first_attempt_the_resolver_answers(server, capsys, monkeypatch):
    monkeypatch.setattr(_dns_query, "first_nameserver", lambda resolver: None)
    out = run_module(capsys, addresses=["192.0.2.99", "192.0.2.1"], lists=["dnsbl.test"], nameserver=server)
    assert [r["status"] for r in out["results"]] == ["listed", "not_listed"]
    assert out["results"][0]["reason"] == "Listed for testing"
