#!/usr/bin/env bash
# Requeue the messages whose queue file still names a content filter of
# TRANSPORT other than KEEP (the filter in force; empty when amavis is
# disabled), so that they are delivered without it (postsuper -r: "subjected
# to the same content_filter settings as new local mail"). Prints the queue
# IDs it requeued, one a line, and nothing when there were none.
#
#   mailops-amavis-requeue.sh TRANSPORT [KEEP]
#
# Run by roles/amavis/tasks/requeue.yml (ansible.builtin.script).
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || -z $1 ]]; then
    echo "usage: ${0##*/} TRANSPORT [KEEP]" >&2
    exit 2
fi
transport=$1
keep=${2:-}
queue=$(postconf -h queue_directory)

# The queue files that name TRANSPORT at all (postcat then reads the filter).
candidates() {
    cd "$queue" || return 0
    grep -rlF "$transport:" incoming active deferred hold 2>/dev/null || true
}

ids=()
while IFS= read -r file; do
    id=${file##*/}
    filter=$(postcat -eq "$id" 2>/dev/null | sed -n 's/^content_filter: //p' | head -n 1 || true)
    if [[ $filter == "$transport":* && $filter != "$keep" ]]; then
        ids+=("$id")
    fi
done < <(candidates)

if [[ ${#ids[@]} -gt 0 ]]; then
    printf '%s\n' "${ids[@]}" | postsuper -r - 2>/dev/null
    postkick public pickup W || true
    printf '%s\n' "${ids[@]}"
fi
