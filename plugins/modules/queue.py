#!/usr/bin/python
# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: queue
short_description: List, flush, hold, release, requeue or delete messages in the Postfix queue
version_added: 0.1.0
description:
  - Reads the Postfix queue with C(postqueue -j), one JSON line at a time, so a queue of any size is never held in memory;
    only the ids of the selected messages and at most O(limit_messages) full records are kept.
  - Selects messages by queue, sender, recipient, age, size, delay reason and queue id, and returns them with a
    summary by queue and by recipient domain, with the age buckets of C(qshape).
  - Acts on the selection in one batch per action, C(postsuper -d -), C(-h -), C(-H -) or C(-r -) with the queue ids on
    standard input; never one command per message. Like C(postqueue -j | jq ... | postsuper -d -), the ids are
    written to C(postsuper) while the queue is still being read, so listing and acting overlap. A message that left
    the queue between the listing and the action is not an error, it is just not counted in RV(acted).
  - Every option is checked before the queue is read; an invalid regular expression fails with the option's name and
    Python's error.
extends_documentation_fragment:
  - mailops.postfix.attributes
attributes:
  check_mode:
    details:
      - Reads and selects as usual, reports in RV(would_act) what the action would touch, and acts on nothing.
  diff_mode:
    details:
      - Returns the number of messages in each queue before and after the action.
      - In check mode the "after" counts are computed from the selection; otherwise the queue is counted again after
        the action, which reads it a second time.
  idempotent:
    support: partial
    details:
      - V(list) never changes anything. V(delete), V(hold), V(release) and V(requeue) change only the messages that
        are still in a queue they apply to, so running V(delete), V(hold) or V(release) again with the same selection
        reports no change. V(requeue) and V(flush) act every time there is matching mail.
notes:
  - Needs Postfix 3.1 or later (C(postqueue -j)) and root, as C(postsuper) does.
  - Each action is applied only to the selected messages in the queues it can change; the others are returned but
    left alone. V(hold) applies to incoming, active and deferred mail; V(release) to held mail; V(flush) to deferred
    mail; V(requeue) to held, incoming, active and deferred mail; V(delete) to every queue, maildrop included.
  - O(sender) and O(recipient) take one pattern each. V(user@example.org) matches that address,
    V(@example.org) or V(example.org) any address in that domain, V(.example.org) any address in a subdomain of
    it (not in example.org itself, as in Postfix lookup tables), V(/regex/) a Python regular expression searched in
    the address, and for O(sender) V(<>) the null sender of bounces (listed as MAILER-DAEMON). All of these match
    without regard to case.
  - A message matches O(recipient) or O(reason) when any one of its recipients does; the message as a whole is
    acted on, since Postfix's queue tools act on queue files, not on recipients.
  - V(flush) has three forms. Without a selection it runs C(postqueue -f) (when there is deferred mail). With
    O(site) it runs C(postqueue -s SITE), the ETRN-style flush, which works only for destinations listed in
    C(fast_flush_domains). With a selection it runs C(postqueue -i ID) for each selected deferred message, because
    Postfix has no batch form of C(-i); this is one short command per message, so for thousands of messages prefer
    O(site), a flush of everything, or V(requeue).
seealso:
  - name: postqueue(1)
    description: Postfix queue control, including the JSON object format.
    link: https://www.postfix.org/postqueue.1.html
  - name: postsuper(1)
    description: Postfix superintendent, the batch actions on queue ids.
    link: https://www.postfix.org/postsuper.1.html
  - name: qshape(1)
    description: The queue shape report whose age buckets the summary reuses.
    link: https://www.postfix.org/qshape.1.html
options:
  action:
    description:
      - What to do with the selected messages.
      - V(list) only reports. V(flush) schedules immediate delivery of deferred mail (see the notes for its three
        forms). V(hold) puts mail on hold (C(postsuper -h)). V(release) takes it off hold into the deferred queue
        (C(postsuper -H)). V(requeue) sends mail through C(cleanup) again (C(postsuper -r), then C(postkick public pickup W) so that
        C(pickup) takes it from maildrop at once), for example after a change of address rewriting or content
        filter; it gets a new queue id. V(delete) removes mail for good
        (C(postsuper -d)).
      - V(delete), V(hold) and V(requeue) refuse to run without a selection unless O(all=true).
    type: str
    choices: [list, flush, hold, release, requeue, delete]
    default: list
  queue:
    description: Select only messages in these queues.
    type: list
    elements: str
    choices: [maildrop, incoming, active, deferred, hold]
  sender:
    description:
      - Select messages whose envelope sender matches this pattern. See the notes for the pattern forms.
    type: str
  recipient:
    description:
      - Select messages with at least one recipient that matches this pattern. See the notes for the pattern forms.
    type: str
  min_age:
    description:
      - Select messages that arrived at least this long ago.
      - Seconds as a number, or a duration with the units C(s), C(m), C(h), C(d), C(w), such as V(2h), V(1h30m) or V(3d).
    type: raw
  max_age:
    description:
      - Select messages that arrived at most this long ago. Same format as O(min_age).
    type: raw
  min_size:
    description:
      - Select messages of at least this many bytes (C(message_size) of C(postqueue -j)).
      - A number of bytes, or a number with the unit V(k), V(M) or V(G) (powers of 1024), such as V(10k).
    type: raw
  max_size:
    description:
      - Select messages of at most this many bytes. Same format as O(min_size).
    type: raw
  reason:
    description:
      - Select messages with at least one recipient whose delay reason (C(delay_reason)) matches this Python regular
        expression, searched without regard to case. Held and new messages often have no delay reason.
    type: str
  ids:
    description:
      - Select only messages with these queue ids. A trailing C(*), C(!) or C(#), as C(mailq) prints them, is ignored.
      - Ids that are not in the queue are returned in RV(missing_ids); they are not an error.
    type: list
    elements: str
  site:
    description:
      - With O(action=flush), flush the mail queued for this destination with C(postqueue -s), which needs the
        destination in C(fast_flush_domains). The selection returned is the deferred mail with a recipient in this
        domain.
      - Only used with O(action=flush); it cannot be combined with the selection options.
    type: str
  all:
    description:
      - Allow V(delete), V(hold) and V(requeue) to act on every message in the queue, which they otherwise refuse
        to do without a selection.
      - It cannot be combined with the selection options, so that it is never mistaken for a filter.
    type: bool
    default: false
  limit_messages:
    description:
      - Return at most this many selected messages in RV(messages) and RV(queue_ids). The counts and the summary
        always cover the whole selection, and the action applies to all of it.
      - V(0) returns none.
    type: int
    default: 1000
  limit_domains:
    description:
      - Return at most this many recipient domains, those with the most messages, in RV(summary.by_domain).
        RV(summary.domains) is the total number of domains.
    type: int
    default: 100
"""

EXAMPLES = r"""
- name: Show the queue with a summary by domain, like qshape
  mailops.postfix.queue:
  register: __queue

- name: List deferred mail for one domain that has waited more than two hours
  mailops.postfix.queue:
    queue: [deferred]
    recipient: "@example.org"
    min_age: 2h

- name: Hold everything a compromised account sent, to look at it later
  mailops.postfix.queue:
    action: hold
    sender: /^(alice|bob)@example\.net$/

- name: See what would be deleted (run with --check --diff)
  mailops.postfix.queue:
    action: delete
    queue: [hold]
    reason: "Connection timed out"
  check_mode: true

- name: Delete the held messages to a domain
  mailops.postfix.queue:
    action: delete
    queue: [hold]
    recipient: spam-target.example

- name: Release held mail bigger than 10 MB sent in the last day
  mailops.postfix.queue:
    action: release
    min_size: 10M
    max_age: 1d

- name: Flush mail for a destination eligible for fast flush
  mailops.postfix.queue:
    action: flush
    site: example.org

- name: Flush two messages by id
  mailops.postfix.queue:
    action: flush
    ids: [4BA491A0642, 51BAD1A0635]

- name: Empty the whole queue
  mailops.postfix.queue:
    action: delete
    all: true
"""

RETURN = r"""
action:
  description: The action that was asked for.
  type: str
  returned: always
  sample: delete
selected:
  description: How many messages matched the selection.
  type: int
  returned: always
  sample: 10000
would_act:
  description:
    - How many selected messages sit in a queue that the action applies to; the action is (or in check mode would be)
      handed exactly these.
    - V(0) for O(action=list).
  type: int
  returned: always
  sample: 10000
acted:
  description:
    - How many messages Postfix reports it deleted, held, released or requeued (its C(postsuper) total), or the
      number of deferred messages flushed. Messages that vanished before the action are not counted.
    - V(0) in check mode and for O(action=list).
  type: int
  returned: always
  sample: 9998
vanished:
  description: How many of RV(would_act) were no longer there to act on (RV(would_act) minus RV(acted)); V(0) in check mode.
  type: int
  returned: always
  sample: 2
messages:
  description:
    - The selected messages as C(postqueue -j) prints them, with C(age) (seconds) added; at most O(limit_messages).
  type: list
  elements: dict
  returned: always
  sample:
    - queue_name: hold
      queue_id: 4BA491A0642
      arrival_time: 1732851600
      age: 7260
      message_size: 1817
      forced_expire: false
      sender: alice@example.net
      recipients:
        - address: bob@example.org
          delay_reason: "connect to mx.example.org[192.0.2.25]:25: Connection timed out"
queue_ids:
  description: The queue ids of RV(messages), in the same order.
  type: list
  elements: str
  returned: always
  sample: [4BA491A0642]
truncated:
  description: Whether RV(messages) and RV(queue_ids) were cut at O(limit_messages).
  type: bool
  returned: always
  sample: false
missing_ids:
  description: The ids of O(ids) that were not in the queue.
  type: list
  elements: str
  returned: always
  sample: []
summary:
  description: Counts of the whole selection (not cut at O(limit_messages)).
  type: dict
  returned: always
  contains:
    messages:
      description: Selected messages.
      type: int
      sample: 12
    recipients:
      description: Their recipients.
      type: int
      sample: 14
    bytes:
      description: Their total C(message_size).
      type: int
      sample: 40960
    ages:
      description:
        - Messages by age, in the buckets of C(qshape); the key V(N) counts messages younger than N minutes (and not
          younger than the previous key), V(1280+) the older ones.
      type: dict
      sample: {"5": 2, "10": 0, "20": 0, "40": 0, "80": 10, "160": 0, "320": 0, "640": 0, "1280": 0, "1280+": 0}
    by_queue:
      description: Messages and bytes in each queue.
      type: dict
      sample: {"maildrop": {"messages": 0, "bytes": 0}, "deferred": {"messages": 12, "bytes": 40960}}
    by_domain:
      description:
        - For each recipient domain, the messages with at least one recipient there, those recipients, the messages'
          bytes and ages, as C(qshape) counts them. At most O(limit_domains) domains, the largest first.
      type: dict
      sample: {"example.org": {"messages": 10, "recipients": 11, "bytes": 30000, "ages": {"5": 0, "80": 10}}}
    domains:
      description: The number of distinct recipient domains in the selection.
      type: int
      sample: 3
diff:
  description: Number of messages in each queue before and after, with C(--diff).
  type: dict
  returned: when diff mode is on
  sample:
    before: {"queue": {"deferred": 12, "hold": 0}}
    after: {"queue": {"deferred": 0, "hold": 12}}
"""

import time
import typing as t

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mailops.postfix.plugins.module_utils._queue import (
    ACTIONS,
    FILTER_OPTIONS,
    GUARDED_ACTIONS,
    POSTSUPER_FLAGS,
    QUEUE_NAMES,
    Postsuper,
    QueueOptionError,
    Selection,
    build_filters,
    count_queues,
    counts_after,
    run_flush,
    stream_queue,
    wake_pickup,
)


def main() -> None:
    selection_options = list(FILTER_OPTIONS)
    module = AnsibleModule(
        argument_spec=dict(
            action=dict(type="str", default="list", choices=list(ACTIONS)),
            queue=dict(type="list", elements="str", choices=list(QUEUE_NAMES)),
            sender=dict(type="str"),
            recipient=dict(type="str"),
            min_age=dict(type="raw"),
            max_age=dict(type="raw"),
            min_size=dict(type="raw"),
            max_size=dict(type="raw"),
            reason=dict(type="str"),
            ids=dict(type="list", elements="str"),
            site=dict(type="str"),
            all=dict(type="bool", default=False),
            limit_messages=dict(type="int", default=1000),
            limit_domains=dict(type="int", default=100),
        ),
        mutually_exclusive=[["all", name] for name in selection_options]
        + [["site", name] for name in selection_options]
        + [["site", "all"]],
        supports_check_mode=True,
    )
    params = module.params
    action: str = params["action"]

    # Everything is checked before the queue is read.
    try:
        filters = build_filters(params)
    except QueueOptionError as exc:
        module.fail_json(msg=f"Invalid value for option {exc.option}: {exc.detail}")
    site: str | None = params["site"]
    if site is not None and action != "flush":
        module.fail_json(msg=f"Option site is only used with action=flush (action is {action})")
    if site is not None and not site.strip():
        module.fail_json(msg="Option site is empty; give the destination to flush")
    for name in ("limit_messages", "limit_domains"):
        if params[name] < 0:
            module.fail_json(msg=f"Option {name} must be 0 or more, got {params[name]}")
    if action in GUARDED_ACTIONS and filters.is_empty() and not params["all"]:
        module.fail_json(
            msg=f"action={action} needs a selection (one of {', '.join(selection_options)})"
            " or all=true to act on every message in the queue"
        )

    batch = Postsuper(module, action) if action in POSTSUPER_FLAGS and not module.check_mode else None

    selection = Selection(filters, action, time.time(), limit_messages=params["limit_messages"], site=site)
    stream_queue(module, selection, batch)
    before = dict(selection.queue_counts)

    would_act = len(selection.targets)
    acted = 0
    if batch is not None:
        acted = batch.finish()
        if action == "requeue" and acted:
            wake_pickup(module)
    elif action == "flush" and not module.check_mode:
        acted = run_flush(module, selection, site, whole_queue=filters.is_empty())

    changed = action != "list" and (would_act if module.check_mode else acted) > 0
    result: dict[str, t.Any] = dict(
        changed=changed,
        action=action,
        selected=selection.selected,
        would_act=would_act,
        acted=acted,
        vanished=0 if module.check_mode or action == "list" else max(0, would_act - acted),
        messages=selection.messages,
        queue_ids=selection.queue_ids,
        truncated=selection.truncated,
        missing_ids=selection.missing_ids,
        summary=selection.summary.as_dict(params["limit_domains"]),
    )
    if module._diff:
        if module.check_mode:
            after = counts_after(before, action, selection.target_counts)
        elif changed:
            after = count_queues(module)
        else:
            after = dict(before)
        result["diff"] = dict(
            before=dict(queue=dict(sorted(before.items()))),
            after=dict(queue=dict(sorted(after.items()))),
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
