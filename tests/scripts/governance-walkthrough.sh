#!/usr/bin/env bash
# The README's approval-governance walkthrough (SPEC §8) against a running system, with its outcomes checked:
# a policy that approves by itself, a standing grant used up and revoked, a two-person approval with separation of
# duties, the evidence of the executed call, and the audit chain. Prints one line per check; exits 1 if one fails.
# Needs ./run.sh (seed users and warehouses alpha and beta); it removes the policies and grants it made.
# usage: tests/scripts/governance-walkthrough.sh [BASE_URL]      (default http://localhost:8080)
set -uo pipefail
B=${1:-http://localhost:8080}
A=(-u admin@bookstore.com:admin123) O=(-u ops@bookstore.com:ops123) S=(-u staff@warehouse-alpha.com:staff123)
J=(-H 'content-type: application/json')
failed=0 policies=() grants=()
check() { # name condition-result detail
  if [ "$2" = ok ]; then printf 'ok    %s\n' "$1"; else printf 'FAIL  %s: %s\n' "$1" "$3"; failed=1; fi
}
is() { [ "$1" = "$2" ] && echo ok || echo no; }
cleanup() {
  for p in "${policies[@]}"; do curl -s -o /dev/null "${A[@]}" -X DELETE "$B/agents/policies/$p"; done
  for g in "${grants[@]}"; do curl -s -o /dev/null "${A[@]}" -X DELETE "$B/agents/grants/$g"; done
  for w in alpha beta; do curl -s -o /dev/null "${A[@]}" -X DELETE "$B/warehouses/$w/faults"; done
}
trap cleanup EXIT
curl -fsS "$B/health" >/dev/null || { echo "AgentOps does not answer at $B/health: start ./run.sh first" >&2; exit 2; }

# Waits until run $1 reaches one of the statuses in $2 (a jq regex); prints the run.
wait_run() {
  local run=$1 want=$2 body
  for _ in $(seq 1 150); do
    body=$(curl -s "${A[@]}" "$B/agents/runs/$run")
    if echo "$body" | jq -e --arg w "$want" '.status | test($w)' >/dev/null 2>&1; then echo "$body"; return 0; fi
    sleep 0.2
  done
  echo "$body"; return 1
}
# Every journal event of a run and of its child runs.
all_events() {
  local body; body=$(curl -s "${A[@]}" "$B/agents/runs/$1")
  echo "$body" | jq -c '.events[]'
  for child in $(echo "$body" | jq -r '.events[] | select(.type == "CHILD_RUN_STARTED") | .payload.child_run_id'); do all_events "$child"; done
}

# 1. A policy: restarts of beta need nobody.
p1=$(curl -s "${A[@]}" "${J[@]}" -X POST "$B/agents/policies" -d '{"name":"walkthrough: auto-approve restarts of beta","effect":"auto_approve",
  "tool_name":"restart_warehouse","args_rule":{"type":"object","properties":{"name":{"enum":["beta"]}},"required":["name"]},"priority":100}' | jq -r '.id // empty')
[ -n "$p1" ] && policies+=("$p1")
check "policy created" "$([ -n "$p1" ] && echo ok)" "no id"
eval_body=$(curl -s "${A[@]}" "${J[@]}" -X POST "$B/agents/policies/evaluate" -d '{"tool_name":"restart_warehouse","args":{"name":"beta"}}')
check "evaluate names the policy" "$(is "$(echo "$eval_body" | jq -r '.effect + " " + .policy_id')" "auto_approve $p1")" "$eval_body"
curl -s -o /dev/null "${A[@]}" "${J[@]}" -X POST "$B/warehouses/beta/faults" -d '{"type":"offline"}'
run=$(curl -s "${A[@]}" "${J[@]}" -X POST "$B/agents/runs" -d '{"prompt":"Warehouse beta is offline. Investigate and bring it back online."}' | jq -r .id)
final=$(wait_run "$run" '^(completed|failed|cancelled)$') || true
check "beta run completes with no person" "$(is "$(echo "$final" | jq -r .status)" completed)" "status $(echo "$final" | jq -r .status)"
decided=$(all_events "$run" | jq -r 'select(.type == "RUN_RESUMED" and .payload.decision == "approved") | .payload.decided_by' | head -1)
check "journal: decided_by policy:<id>" "$(is "$decided" "policy:$p1")" "decided_by '$decided'"

# 2. A grant: one restart of alpha, then it is used up; revoking it answers at once.
g=$(curl -s "${A[@]}" "${J[@]}" -X POST "$B/agents/grants" -d '{"tool_name":"restart_warehouse","args_rule":{"type":"object","properties":{"name":{"enum":["alpha"]}}},"max_uses":1}' | jq -r '.id // empty')
[ -n "$g" ] && grants+=("$g")
curl -s -o /dev/null "${A[@]}" "${J[@]}" -X POST "$B/warehouses/alpha/faults" -d '{"type":"offline"}'
run=$(curl -s "${A[@]}" "${J[@]}" -X POST "$B/agents/runs" -d '{"prompt":"Warehouse alpha is offline. Investigate and bring it back online."}' | jq -r .id)
final=$(wait_run "$run" '^(completed|failed|cancelled)$') || true
decided=$(all_events "$run" | jq -r 'select(.type == "RUN_RESUMED" and .payload.decision == "approved") | .payload.decided_by' | head -1)
check "journal: decided_by grant:<id>" "$(is "$decided" "grant:$g")" "decided_by '$decided', status $(echo "$final" | jq -r .status)"
grant=$(curl -s "${A[@]}" "$B/agents/grants?all=true" | jq -c --arg g "$g" '(if type == "array" then . else .grants end)[] | select(.id == $g) | {uses, active}')
check "grant used up" "$(is "$grant" '{"uses":1,"active":false}')" "$grant"
check "grant revoked" "$(is "$(curl -s -o /dev/null -w '%{http_code}' "${A[@]}" -X DELETE "$B/agents/grants/$g")" 200)" "DELETE answered otherwise"

# 3. Two people for stock at alpha: warehouse staff asks, two admins must agree.
p2=$(curl -s "${A[@]}" "${J[@]}" -X POST "$B/agents/policies" -d '{"name":"walkthrough: two people for stock at alpha","effect":"require","tool_name":"set_stock",
  "args_rule":{"type":"object","properties":{"warehouse":{"enum":["alpha"]}},"required":["warehouse"]},"approvers":2,"respond_within_seconds":600}' | jq -r '.id // empty')
[ -n "$p2" ] && policies+=("$p2")
run=$(curl -s "${S[@]}" "${J[@]}" -X POST "$B/agents/runs" -d '{"prompt":"Set stock of The Hobbit at alpha to 50","agent_type":"inventory"}' | jq -r .id)
pending=$(wait_run "$run" '^suspended$') || true
call=$(echo "$pending" | jq -r .pending_tool.call_id)
check "pending: 0 of 2 approvals" "$(is "$(echo "$pending" | jq -c '.pending_tool.approvals | {needed, given: (.given | length)}')" '{"needed":2,"given":0}')" "$(echo "$pending" | jq -c .pending_tool.approvals)"
decide() { curl -s -o /tmp/walkthrough-decide.json -w '%{http_code}' "$@" "${J[@]}" -X POST "$B/agents/runs/$run/resume" -d '{"decision":"approved","call_id":"'"$call"'"}'; }
check "first admin approves: 200" "$(is "$(decide "${A[@]}")" 200)" "$(cat /tmp/walkthrough-decide.json)"
check "the same admin again: 409" "$(is "$(decide "${A[@]}")" 409)" "$(cat /tmp/walkthrough-decide.json)"
check "the requester (staff): 403" "$(is "$(decide "${S[@]}")" 403)" "$(cat /tmp/walkthrough-decide.json)"
check "pending: 1 of 2, by admin" "$(is "$(curl -s "${A[@]}" "$B/agents/runs/$run" | jq -r '.pending_tool.approvals.given[0].by')" admin@bookstore.com)" "not shown"
check "second admin (ops) approves: 200" "$(is "$(decide "${O[@]}")" 200)" "$(cat /tmp/walkthrough-decide.json)"
final=$(wait_run "$run" '^(completed|failed|cancelled)$') || true
check "run completes" "$(is "$(echo "$final" | jq -r .status)" completed)" "status $(echo "$final" | jq -r .status)"
executed=$(echo "$final" | jq '[.events[] | select(.type == "TOOL_RESULT" and .payload.call_id == "'"$call"'")] | length')
check "the tool ran once" "$(is "$executed" 1)" "$executed results"
evidence=$(curl -s "${A[@]}" "$B/agents/runs/$run/approvals/$call/evidence")
check "evidence: approved hash = executed hash" "$(echo "$evidence" | jq -e '(.approved_args_hash // .approved_hash) as $a | $a != null and $a == (.executed_args_hash // .executed_hash)' >/dev/null && echo ok)" "$(echo "$evidence" | head -c 400)"
verify=$(curl -s "${A[@]}" "$B/agents/audit/verify")
check "audit chain verifies" "$(echo "$verify" | jq -e '.ok == true' >/dev/null && echo ok)" "$verify"
echo "audit: $verify"
exit $failed
