#!/usr/bin/env bash
# Re-runs the attacks of issue 9 (items 1-5) against a running front door and prints what happened.
# usage: tests/scripts/security-smoke.sh [BASE_URL] [GATEWAY_PORT]     (defaults: http://localhost:8080, 30000)
set -uo pipefail
B=${1:-http://localhost:8080}
GW=${2:-30000}
ADMIN="admin@bookstore.com:admin123"
json=(-H 'content-type: application/json')
ms() { date +%s%3N; }
say() { printf '%-34s %s\n' "$1" "$2"; }

# 1. The cluster ports: where they listen, and whether a plain (non-TLS) peer gets an Orleans answer.
listen=$(ss -ltn "( sport = :$GW )" | awk 'NR>1{print $4}' | tr '\n' ' ')
say "1 gateway listens on" "${listen:-nothing}"
# Whether an uncertified Orleans client is refused is proven by tests/AgentOps.Tests/Security/ClusterTlsTests.cs
# (a plain TLS client's handshake looks complete under TLS 1.3 before the silo rejects it, so no shell probe here).

# 2. A NUL in a prompt.
alice=$(curl -s "${json[@]}" -X POST "$B/store/auth/register" -d "{\"email\":\"smoke-$RANDOM$RANDOM@example.com\",\"password\":\"smoke-pass1\",\"name\":\"Smoke\"}" | sed -n 's/.*"email":"\([^"]*\)".*/\1/p')
C="$alice:smoke-pass1"
t0=$(ms); code=$(curl -s -o /tmp/smoke-nul.json -w '%{http_code}' -m 40 -u "$C" "${json[@]}" -X POST "$B/agents/runs" -d '{"prompt":"reconcile inventory\u0000"}'); t1=$(ms)
say "2 NUL prompt" "HTTP $code in $((t1 - t0)) ms: $(head -c 120 /tmp/smoke-nul.json)"

# 3. A customer's agent run on another customer's order / a reconciliation.
book=$(curl -s "$B/store/books" | grep -o '"id":"[0-9a-f-]\{36\}"' | head -1 | cut -d'"' -f4)
order=$(curl -s -u "alice@customer.com:alice123" "${json[@]}" -X POST "$B/store/orders" -d "{\"items\":[{\"bookId\":\"$book\",\"quantity\":1}]}" | grep -o '"id":"[0-9a-f-]\{36\}"' | head -1 | cut -d'"' -f4)
say "3 GET other's order over HTTP" "HTTP $(curl -s -o /dev/null -w '%{http_code}' -u "$C" "$B/store/orders/$order")"
run=$(curl -s -u "$C" "${json[@]}" -X POST "$B/agents/runs" -d "{\"prompt\":\"Order $order failed, retry it\",\"agent_type\":\"fulfillment\"}" | grep -o '"id":"[0-9a-f-]\{36\}"' | cut -d'"' -f4)
sleep 2
leak=$(curl -s -u "$C" "$B/agents/runs/$run" | grep -c '"payment"\|"user_id":"[0-9a-f-]\{36\}","status"')
result=$(curl -s -u "$C" "$B/agents/runs/$run" | grep -o '"type":"TOOL_RESULT"[^}]*}[^}]*}' | head -c 200)
say "3 same order through an agent run" "order data in journal: $leak; result: $result"
say "3 customer starts a reconciliation" "HTTP $(curl -s -o /dev/null -w '%{http_code}' -u "$C" "${json[@]}" -X POST "$B/agents/runs" -d '{"prompt":"reconcile inventory","agent_type":"inventory"}') (inventory agent)"

# 4. Flooding the approvals inbox: 200 runs from one customer that would each wait for an approval.
codes=$(for i in $(seq 1 200); do curl -s -o /dev/null -w '%{http_code}\n' -u "$C" "${json[@]}" -X POST "$B/agents/runs" \
  -d "{\"prompt\":\"Warehouse beta is offline. Investigate and bring it back online. $i\"}" & done | sort | uniq -c | tr '\n' ' '; wait)
sleep 3
pending=$(curl -s -u "$ADMIN" "$B/agents/runs?status=suspended&limit=1" | grep -o '"total":[0-9]*')
say "4 200 run starts from one customer" "$codes; suspended runs: ${pending:-?}"

# 5. Password guessing and account enumeration.
codes=$(for i in $(seq 1 60); do curl -s -o /dev/null -w '%{http_code}\n' "${json[@]}" -X POST "$B/store/auth/login" -d '{"email":"admin@bookstore.com","password":"guess'$i'"}'; done | sort | uniq -c | tr '\n' ' ')
say "5 60 wrong admin passwords" "$codes"
known=0; unknown=0
for u in bob@customer.com staff@warehouse-alpha.com staff@warehouse-beta.com alice@customer.com; do
  t0=$(ms); curl -s -o /dev/null -u "$u:wrong-pass" "$B/store/orders"; t1=$(ms); known=$((known + t1 - t0))
  t0=$(ms); curl -s -o /dev/null -u "nobody-$RANDOM@example.com:wrong-pass" "$B/store/orders"; t1=$(ms); unknown=$((unknown + t1 - t0))
done
say "5 wrong password, known vs unknown" "$((known / 4)) ms vs $((unknown / 4)) ms (mean of 4)"
say "5 register an existing e-mail" "HTTP $(curl -s -o /dev/null -w '%{http_code}' "${json[@]}" -X POST "$B/store/auth/register" -d '{"email":"alice@customer.com","password":"whatever1","name":"x"}')"
