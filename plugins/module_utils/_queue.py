# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Logic of the queue module: parsing ``postqueue -j`` records, selecting
messages, summarising them like qshape(1), and reading postsuper(1)'s report.

All of it is pure and unit tested, except the commands at the end, which
stream ``postqueue -j`` through the selection and feed the selected ids to
one ``postsuper -X -`` batch; they run through ``_cmd`` (``stream`` and
``feed``), which holds neither in memory nor deadlocks on pipes.
"""

from __future__ import annotations

import json
import re
import time
import typing as t
from dataclasses import dataclass, field

from ansible_collections.mailops.postfix.plugins.module_utils import _cmd

if t.TYPE_CHECKING:
    from ansible.module_utils.basic import AnsibleModule

QUEUE_NAMES: tuple[str, ...] = ("maildrop", "incoming", "active", "deferred", "hold")

ACTIONS: tuple[str, ...] = ("list", "flush", "hold", "release", "requeue", "delete")

# The queues whose messages each action can change. A selected message that
# sits in another queue is reported but not handed to Postfix: postsuper -h
# cannot hold mail in maildrop, -H only releases from hold, postqueue -i only
# schedules deferred mail.
ACTION_QUEUES: dict[str, tuple[str, ...]] = {
    "list": (),
    "flush": ("deferred",),
    "hold": ("incoming", "active", "deferred"),
    "release": ("hold",),
    "requeue": ("hold", "incoming", "active", "deferred"),
    "delete": ("maildrop", "hold", "incoming", "active", "deferred"),
}

# postsuper(1) flag for each batch action (ids on standard input with "-").
POSTSUPER_FLAGS: dict[str, str] = {
    "delete": "-d",
    "hold": "-h",
    "release": "-H",
    "requeue": "-r",
}

# Actions that need a selection, or all=true, before they run.
GUARDED_ACTIONS: frozenset[str] = frozenset(("delete", "hold", "requeue"))

# Age buckets of qshape(1), in minutes: a message of age A falls in the first
# bucket N with A < N minutes, or in "1280+".
AGE_BUCKETS: tuple[int, ...] = (5, 10, 20, 40, 80, 160, 320, 640, 1280)
AGE_LABELS: tuple[str, ...] = (*tuple(str(b) for b in AGE_BUCKETS), f"{AGE_BUCKETS[-1]}+")

_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_RE = re.compile(r"(\d+)\s*([smhdw])", re.IGNORECASE)
_SIZE_RE = re.compile(r"^(\d+)\s*([kmg]?)b?$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
QUEUE_ID_RE = re.compile(r"^[0-9A-Za-z]+$")

# postsuper(1) writes one line per message and a total, for example
# "postsuper: 1A2B3C4D: removed" and "postsuper: Deleted: 12 messages".
_POSTSUPER_TOTAL_RE = re.compile(
    r"^postsuper: (Deleted|Placed on hold|Released from hold|Requeued): (\d+) messages?\s*$",
    re.MULTILINE,
)
_POSTSUPER_ID_RE = re.compile(
    r"^postsuper: ([0-9A-Za-z]+): (removed|placed on hold|released from hold|requeued)\s*$",
    re.MULTILINE,
)


class QueueOptionError(ValueError):
    """An option value that cannot be used; ``option`` names it."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option = option
        self.detail = message


# --------------------------------------------------------------------------
# Option parsing


def _given_int(value: t.Any, option: str, kind: str, expected: str) -> int | None:
    """``value`` when it is an int (not a boolean) of 0 or more; None for None and any other type."""
    if isinstance(value, bool):
        raise QueueOptionError(option, f"expected {expected}, got a boolean")
    if isinstance(value, int) and value < 0:
        raise QueueOptionError(option, f"a {kind} cannot be negative ({value})")
    return value if isinstance(value, int) else None


def parse_duration(value: t.Any, option: str) -> int | None:
    """Seconds from an int, a digit string, or a duration such as ``2h``, ``3d`` or ``1h30m``."""
    seconds = _given_int(value, option, "duration", "seconds or a duration such as 2h or 3d")
    if seconds is not None or value is None:
        return seconds
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    pos = 0
    total = 0
    for match in _DURATION_RE.finditer(text):
        if text[pos : match.start()].strip():
            break
        total += int(match.group(1)) * _DURATION_UNITS[match.group(2).lower()]
        pos = match.end()
    if pos == 0 or text[pos:].strip():
        raise QueueOptionError(
            option,
            f"{value!r} is not a duration: use seconds or numbers with the units s, m, h, d, w (for example 90, 2h, 1h30m, 3d)",
        )
    return total


def parse_size(value: t.Any, option: str) -> int | None:
    """Bytes from an int or a string such as ``512``, ``10k``, ``5M`` or ``1G`` (units of 1024)."""
    size = _given_int(value, option, "size", "a size in bytes")
    if size is not None or value is None:
        return size
    match = _SIZE_RE.match(str(value).strip())
    if not match:
        raise QueueOptionError(
            option, f"{value!r} is not a size: use bytes or a number with k, M or G (for example 512, 10k, 5M)"
        )
    return int(match.group(1)) * _SIZE_UNITS[match.group(2).lower()]


def compile_regex(pattern: str, option: str) -> re.Pattern[str]:
    """Compile a case-insensitive regex, or raise naming the option and Python's error."""
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise QueueOptionError(option, f"invalid regular expression {pattern!r}: {exc}") from None


def address_domain(address: str) -> str:
    """The domain of an address, lower case; empty for an address without one."""
    _local, sep, domain = address.rpartition("@")
    if not sep:
        return ""
    return domain.rstrip(".").lower()


@dataclass(frozen=True)
class AddressMatcher:
    """How a sender or recipient option matches an address.

    kind is one of ``exact`` (whole address, case-insensitive), ``domain``
    (``@example.org`` or ``example.org``), ``subdomain`` (``.example.org``:
    any domain below example.org, not example.org itself, as in Postfix
    tables), ``regex`` (``/.../``, searched case-insensitively) or ``null``
    (``<>``, the null sender of bounces, which showq lists as MAILER-DAEMON).
    """

    kind: str
    value: str
    regex: re.Pattern[str] | None = None

    def match(self, address: str) -> bool:
        if self.kind == "regex":
            return self.regex.search(address) is not None
        if self.kind == "exact":
            return address.lower() == self.value
        if self.kind == "domain":
            return address_domain(address) == self.value
        if self.kind == "subdomain":
            return address_domain(address).endswith(self.value)
        # null sender
        return address == "" or address.lower() == "mailer-daemon"


def parse_address_pattern(value: str | None, option: str) -> AddressMatcher | None:
    """Turn a sender or recipient option into an AddressMatcher."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        raise QueueOptionError(
            option, "an empty pattern matches nothing; use <> for the null sender or leave the option out"
        )
    if len(text) >= 2 and text.startswith("/") and text.endswith("/"):
        inner = text[1:-1]
        if not inner:
            raise QueueOptionError(option, "the regular expression between the slashes is empty")
        return AddressMatcher("regex", inner, compile_regex(inner, option))
    if text == "<>":
        return AddressMatcher("null", "")
    if text.startswith("@"):
        domain = text[1:].rstrip(".").lower()
        if not domain or "@" in domain:
            raise QueueOptionError(option, f"{value!r} is not a domain pattern (expected @example.org)")
        return AddressMatcher("domain", domain)
    if "@" in text:
        return AddressMatcher("exact", text.lower())
    if text.startswith("."):
        if len(text) < 2:
            raise QueueOptionError(option, f"{value!r} is not a subdomain pattern (expected .example.org)")
        return AddressMatcher("subdomain", text.rstrip(".").lower())
    return AddressMatcher("domain", text.rstrip(".").lower())


def parse_ids(ids: t.Iterable[str] | None, option: str = "ids") -> frozenset[str] | None:
    """Validate explicit queue ids (letters and digits only, so none can smuggle a line into postsuper's input)."""
    if ids is None:
        return None
    result = set()
    for queue_id in ids:
        text = str(queue_id).strip().rstrip("*!#")
        if not QUEUE_ID_RE.match(text):
            raise QueueOptionError(option, f"{queue_id!r} is not a Postfix queue id (letters and digits only)")
        result.add(text)
    return frozenset(result)


@dataclass(frozen=True)
class Filters:
    """A selection; every given criterion must hold (logical AND)."""

    queues: frozenset[str] | None = None
    sender: AddressMatcher | None = None
    recipient: AddressMatcher | None = None
    min_age: int | None = None
    max_age: int | None = None
    min_size: int | None = None
    max_size: int | None = None
    reason: re.Pattern[str] | None = None
    ids: frozenset[str] | None = None

    def is_empty(self) -> bool:
        """True when nothing narrows the selection: every message matches."""
        return all(
            getattr(self, name) is None
            for name in ("queues", "sender", "recipient", "min_age", "max_age", "min_size", "max_size", "reason", "ids")
        )


FILTER_OPTIONS: tuple[str, ...] = (
    "queue",
    "sender",
    "recipient",
    "min_age",
    "max_age",
    "min_size",
    "max_size",
    "reason",
    "ids",
)


def build_filters(params: t.Mapping[str, t.Any]) -> Filters:
    """Filters from the module's parameters; raises QueueOptionError naming a bad option.

    Everything is validated here, before the queue is read.
    """
    queues = params.get("queue")
    if queues is not None:
        unknown = [q for q in queues if q not in QUEUE_NAMES]
        if unknown:
            raise QueueOptionError(
                "queue", "unknown queue {} (known: {})".format(", ".join(unknown), ", ".join(QUEUE_NAMES))
            )
    min_age = parse_duration(params.get("min_age"), "min_age")
    max_age = parse_duration(params.get("max_age"), "max_age")
    if min_age is not None and max_age is not None and min_age > max_age:
        raise QueueOptionError(
            "min_age", f"min_age ({min_age}s) is greater than max_age ({max_age}s): nothing can match"
        )
    min_size = parse_size(params.get("min_size"), "min_size")
    max_size = parse_size(params.get("max_size"), "max_size")
    if min_size is not None and max_size is not None and min_size > max_size:
        raise QueueOptionError(
            "min_size", f"min_size ({min_size}) is greater than max_size ({max_size}): nothing can match"
        )
    reason = params.get("reason")
    return Filters(
        queues=frozenset(queues) if queues is not None else None,
        sender=parse_address_pattern(params.get("sender"), "sender"),
        recipient=parse_address_pattern(params.get("recipient"), "recipient"),
        min_age=min_age,
        max_age=max_age,
        min_size=min_size,
        max_size=max_size,
        reason=compile_regex(reason, "reason") if reason is not None else None,
        ids=parse_ids(params.get("ids")),
    )


# --------------------------------------------------------------------------
# Records and selection


def parse_record(line: str) -> dict[str, t.Any] | None:
    """One ``postqueue -j`` line as a dict, None for a blank line.

    Raises ValueError for a line that is not a JSON object with a queue_id.
    """
    line = line.strip()
    if not line:
        return None
    record = json.loads(line)
    if not isinstance(record, dict) or not isinstance(record.get("queue_id"), str):
        raise ValueError("not a queue file object (no queue_id)")
    recipients = record.get("recipients")
    if not isinstance(recipients, list):
        record["recipients"] = []
    return record


def record_age(record: t.Mapping[str, t.Any], now: float) -> int:
    """Seconds since the message arrived (0 for a clock that runs behind)."""
    try:
        return max(0, int(now - float(record.get("arrival_time", now))))
    except (TypeError, ValueError):
        return 0


def _recipient_addresses(record: t.Mapping[str, t.Any]) -> t.Iterator[str]:
    for rcpt in record.get("recipients") or ():
        if isinstance(rcpt, dict):
            yield str(rcpt.get("address", ""))


def matches(record: t.Mapping[str, t.Any], filters: Filters, now: float) -> bool:
    """Whether a parsed record is in the selection.

    sender, recipient and reason match a message when the sender, or any one
    of its recipients, or any one recipient's delay_reason matches.
    """
    if filters.ids is not None and record.get("queue_id") not in filters.ids:
        return False
    if filters.queues is not None and record.get("queue_name") not in filters.queues:
        return False
    if filters.min_size is not None or filters.max_size is not None:
        size = record.get("message_size") or 0
        if filters.min_size is not None and size < filters.min_size:
            return False
        if filters.max_size is not None and size > filters.max_size:
            return False
    if filters.min_age is not None or filters.max_age is not None:
        age = record_age(record, now)
        if filters.min_age is not None and age < filters.min_age:
            return False
        if filters.max_age is not None and age > filters.max_age:
            return False
    if filters.sender is not None and not filters.sender.match(str(record.get("sender", ""))):
        return False
    if filters.recipient is not None:
        if not any(filters.recipient.match(addr) for addr in _recipient_addresses(record)):
            return False
    if filters.reason is not None:
        reasons = (rcpt.get("delay_reason") for rcpt in record.get("recipients") or () if isinstance(rcpt, dict))
        if not any(reason is not None and filters.reason.search(str(reason)) for reason in reasons):
            return False
    return True


def age_label(age_seconds: int) -> str:
    """The qshape bucket of an age: the first N with age < N minutes, else '1280+'."""
    minutes = age_seconds / 60.0
    for bucket, label in zip(AGE_BUCKETS, AGE_LABELS, strict=False):
        if minutes < bucket:
            return label
    return AGE_LABELS[-1]


def _empty_ages() -> dict[str, int]:
    return dict.fromkeys(AGE_LABELS, 0)


@dataclass
class Summary:
    """Counts of a set of messages by queue and by recipient domain, like qshape(1).

    A message counts once for each distinct recipient domain it has; recipients
    counts the recipient entries. bytes adds message_size.
    """

    messages: int = 0
    recipients: int = 0
    bytes: int = 0
    ages: dict[str, int] = field(default_factory=_empty_ages)
    by_queue: dict[str, dict[str, int]] = field(default_factory=dict)
    by_domain: dict[str, dict[str, t.Any]] = field(default_factory=dict)

    def add(self, record: t.Mapping[str, t.Any], now: float) -> None:
        size = int(record.get("message_size") or 0)
        label = age_label(record_age(record, now))
        addresses = list(_recipient_addresses(record))
        self.messages += 1
        self.recipients += len(addresses)
        self.bytes += size
        self.ages[label] += 1
        queue = self.by_queue.setdefault(str(record.get("queue_name", "")), {"messages": 0, "bytes": 0})
        queue["messages"] += 1
        queue["bytes"] += size
        per_domain: dict[str, int] = {}
        for address in addresses:
            domain = address_domain(address)
            per_domain[domain] = per_domain.get(domain, 0) + 1
        for domain, count in per_domain.items():
            entry = self.by_domain.get(domain)
            if entry is None:
                entry = self.by_domain[domain] = {"messages": 0, "recipients": 0, "bytes": 0, "ages": _empty_ages()}
            entry["messages"] += 1
            entry["recipients"] += count
            entry["bytes"] += size
            entry["ages"][label] += 1

    def as_dict(self, limit_domains: int | None = None) -> dict[str, t.Any]:
        """The summary for the module's result; by_domain keeps the limit_domains largest domains."""
        by_queue = {name: dict(self.by_queue.get(name, {"messages": 0, "bytes": 0})) for name in QUEUE_NAMES}
        for name, entry in self.by_queue.items():
            if name not in by_queue:
                by_queue[name] = dict(entry)
        domains = sorted(self.by_domain.items(), key=lambda item: (-item[1]["messages"], item[0]))
        if limit_domains is not None and limit_domains >= 0:
            domains = domains[:limit_domains]
        return {
            "messages": self.messages,
            "recipients": self.recipients,
            "bytes": self.bytes,
            "ages": dict(self.ages),
            "by_queue": by_queue,
            "by_domain": {name: {**entry, "ages": dict(entry["ages"])} for name, entry in domains},
            "domains": len(self.by_domain),
        }


class Selection:
    """Accumulates the stream of records: what matches, what the action applies to, and queue counts.

    Holds at most ``limit_messages`` full records; ids are kept for every
    message the action will be handed (they are short strings).
    """

    def __init__(
        self, filters: Filters, action: str, now: float, limit_messages: int = 1000, site: str | None = None
    ) -> None:
        self.filters = filters
        self.action = action
        self.now = now
        self.limit_messages = limit_messages
        self.site = site.rstrip(".").lower() if site else None
        self.action_queues = frozenset(ACTION_QUEUES[action])
        self.summary = Summary()
        self.queue_counts: dict[str, int] = dict.fromkeys(QUEUE_NAMES, 0)
        self.messages: list[dict[str, t.Any]] = []
        self.queue_ids: list[str] = []
        self.targets: list[str] = []
        self.target_counts: dict[str, int] = {}
        self.selected = 0
        self.seen_selected: set[str] = set()
        self.found_ids: set[str] = set()

    def _selects(self, record: t.Mapping[str, t.Any]) -> bool:
        if self.site is not None:
            # postqueue -s SITE flushes deferred mail for that destination.
            return record.get("queue_name") == "deferred" and any(
                address_domain(addr) == self.site for addr in _recipient_addresses(record)
            )
        return matches(record, self.filters, self.now)

    def feed(self, record: dict[str, t.Any]) -> bool:
        """Account for one record; True when it is selected."""
        queue_name = str(record.get("queue_name", ""))
        self.queue_counts[queue_name] = self.queue_counts.get(queue_name, 0) + 1
        queue_id = record.get("queue_id", "")
        if self.filters.ids is not None and queue_id in self.filters.ids:
            self.found_ids.add(queue_id)
        if not self._selects(record):
            return False
        # A message that moved between queues while showq listed them can
        # appear twice; it is selected once, where it was seen first.
        if queue_id in self.seen_selected:
            return False
        self.seen_selected.add(queue_id)
        self.selected += 1
        self.summary.add(record, self.now)
        if queue_name in self.action_queues:
            self.targets.append(queue_id)
            self.target_counts[queue_name] = self.target_counts.get(queue_name, 0) + 1
        if len(self.messages) < self.limit_messages:
            entry = dict(record)
            entry["age"] = record_age(record, self.now)
            self.messages.append(entry)
            self.queue_ids.append(queue_id)
        return True

    @property
    def truncated(self) -> bool:
        return self.selected > len(self.messages)

    @property
    def missing_ids(self) -> list[str]:
        if self.filters.ids is None:
            return []
        return sorted(self.filters.ids - self.found_ids)


# --------------------------------------------------------------------------
# Acting


def parse_postsuper_output(text: str) -> tuple[int | None, list[str]]:
    """The total that postsuper reports and the ids it names.

    Returns (total, ids); total is None when postsuper printed no total line
    (then the caller counts the ids). Warnings such as "invalid mail queue id"
    are ignored: an id that vanished is not an error.
    """
    total = None
    for match in _POSTSUPER_TOTAL_RE.finditer(text):
        total = (total or 0) + int(match.group(2))
    ids = [match.group(1) for match in _POSTSUPER_ID_RE.finditer(text)]
    return total, ids


def counts_after(before: t.Mapping[str, int], action: str, moved: t.Mapping[str, int]) -> dict[str, int]:
    """Queue counts after an action, computed from the counts before.

    moved maps a queue name to the number of its messages that the action
    changes. delete removes them; hold moves them to hold; release moves them
    to deferred; requeue moves them to maildrop (from where pickup takes them
    through incoming again); flush and list move nothing that stays moved.
    """
    after = {name: int(before.get(name, 0)) for name in set(QUEUE_NAMES) | set(before)}
    if action in ("list", "flush"):
        return after
    destination = {"hold": "hold", "release": "deferred", "requeue": "maildrop"}.get(action)
    for name, count in moved.items():
        after[name] = max(0, after.get(name, 0) - count)
        if destination is not None:
            after[destination] = after.get(destination, 0) + count
    return after


# --------------------------------------------------------------------------
# Commands: postqueue and postsuper, through _cmd.

# postsuper -d looks in maildrop only when told to; the others use postsuper's default queues.
DELETE_QUEUES: tuple[str, ...] = ("hold", "incoming", "active", "deferred", "maildrop")


class Postsuper:
    """One postsuper batch (``postsuper -X -``), started at the first id and fed while the queue is read."""

    def __init__(self, module: AnsibleModule, action: str) -> None:
        self.module = module
        self.args = ["postsuper", POSTSUPER_FLAGS[action], "-", *(DELETE_QUEUES if action == "delete" else ())]
        self.sink: _cmd.LineSink | None = None

    def add(self, queue_id: str) -> None:
        if self.sink is None:
            self.sink = _cmd.feed(self.module, self.args)
        self.sink.write(queue_id)

    def finish(self) -> int:
        """End the batch; return the count postsuper reports (0 when no id was given)."""
        if self.sink is None:
            return 0
        sink, self.sink = self.sink, None
        rc, stdout, stderr = sink.close()
        if rc != 0:
            detail = _cmd.tail(stderr.strip()) or "no error message"
            msg = f"'{_cmd.command_line(sink.argv)}' failed with rc {rc} on {sink.lines} queue id(s): {detail}"
            self.module.fail_json(msg=msg, **_cmd.failure_details(sink.argv, rc, stdout, stderr))
        total, named = parse_postsuper_output(stderr + "\n" + stdout)
        return total if total is not None else len(named)


def stream_queue(module: AnsibleModule, selection: Selection, batch: Postsuper | None = None) -> None:
    """Feed ``postqueue -j`` to the selection one line at a time, and each id to act on to the batch."""
    bad_lines = 0
    first_bad = ""
    with _cmd.stream(module, ["postqueue", "-j"]) as source:
        for number, line in enumerate(source, start=1):
            try:
                record = parse_record(line)
            except ValueError as exc:
                bad_lines += 1
                if not first_bad:
                    first_bad = f"line {number}: {exc}: {line.strip()[:200]}"
                continue
            if record is None:
                continue
            targets = len(selection.targets)
            selection.feed(record)
            if batch is not None and len(selection.targets) > targets:
                batch.add(selection.targets[-1])
        rc, stderr = source.close()
    if rc != 0:
        acted = batch.finish() if batch is not None else 0
        already = f"; {acted} message(s) selected before the failure were already acted on" if acted else ""
        module.fail_json(
            msg=f"Reading the queue with '{_cmd.command_line(source.argv)}' failed with rc {rc}"
            f" (postqueue -j needs Postfix 3.1 or later): {stderr.strip()}{already}",
            acted=acted,
            **_cmd.failure_details(source.argv, rc, "", stderr),
        )
    if bad_lines:
        module.warn(
            f"Skipped {bad_lines} line(s) of 'postqueue -j' output that are not queue file objects; first: {first_bad}"
        )


def run_flush(module: AnsibleModule, selection: Selection, site: str | None, whole_queue: bool) -> int:
    """Flush: postqueue -s SITE, postqueue -f, or postqueue -i ID per selected deferred message."""
    if site is not None:
        commands = [["postqueue", "-s", site]]
    elif whole_queue:
        commands = [["postqueue", "-f"]] if selection.targets else []
    else:
        # Postfix has no batch form of -i (it takes one id per call).
        commands = [["postqueue", "-i", queue_id] for queue_id in selection.targets]
    for args in commands:
        _cmd.run(module, args)
    return len(selection.targets)


def wake_pickup(module: AnsibleModule) -> None:
    """Wake pickup(8) so that requeued mail leaves maildrop now, as postdrop(1) does for new mail.

    postsuper -r moves the files to maildrop but does not wake pickup, which
    would otherwise find them only at its next periodic scan (60 s by default).
    """
    postkick = _cmd.bin_path(module, "postkick", required=False)
    if postkick is None:
        module.warn("postkick not found: requeued mail waits for pickup's next scan of maildrop")
        return
    rc, stdout, stderr = _cmd.run(module, [postkick, "public", "pickup", "W"], check_rc=False)
    if rc != 0:
        module.warn(
            f"Waking pickup with 'postkick public pickup W' failed (rc {rc}): {(stderr or stdout).strip()};"
            " requeued mail waits for its next scan of maildrop"
        )


def count_queues(module: AnsibleModule) -> dict[str, int]:
    """The number of messages in each queue now."""
    counter = Selection(Filters(), "list", time.time(), limit_messages=0)
    stream_queue(module, counter)
    return counter.queue_counts
