using AgentOps.Agents;
using AgentOps.Journal;
using Npgsql;
using NpgsqlTypes;

namespace AgentOps.Notifications;

/// <summary>
/// Enqueues webhook deliveries in the journal's own transaction: the rows commit with the events they announce or not
/// at all, so an event is enqueued exactly once however a silo dies. One row per (active subscribed webhook, event);
/// its id is derived from both, so a repeat (a retried append) finds the row taken and adds nothing.
/// </summary>
public static class WebhookOutbox
{
    // The journal fills in what the run's summary no longer holds (a decided call is no longer pending): the call's
    // tool and arguments from its proposal, the requester from the run's start. The event's own fields win.
    private const string FromJournal = """
        COALESCE((SELECT jsonb_build_object('tool_name', j.payload ->> 'tool_name', 'args', j.payload -> 'args')
                    FROM agentops_run_journal j
                   WHERE j.run_id = $4 AND j.event_type = 'TOOL_PROPOSED' AND j.payload ->> 'call_id' = $5
                   ORDER BY j.sequence DESC LIMIT 1), '{}'::jsonb)
        || COALESCE((SELECT jsonb_build_object('requested_by', j.payload ->> 'requested_by')
                       FROM agentops_run_journal j WHERE j.run_id = $4 AND j.sequence = 1), '{}'::jsonb)
        || 
        """;

    public static void AddCommands(NpgsqlBatchCommandCollection commands, IReadOnlyList<JournalEntry> entries, RunSummary summary)
    {
        foreach (var entry in entries)
        {
            if (WebhookPayloads.EventOf(entry.Event) is not { } type) continue;
            var payload = WebhookPayloads.Build(type, entry, summary);
            var call = WebhookPayloads.CallOf(entry.Event);
            var enrich = call is not null && !payload.ContainsKey("tool_name");
            var command = new NpgsqlBatchCommand($"""
                INSERT INTO agentops_webhook_deliveries (delivery_id, webhook_id, event_id, event_type, payload, next_attempt_at, created_at)
                SELECT md5(w.webhook_id::text || ':' || $1::text)::uuid, w.webhook_id, $1, $2, e.payload, now(), now()
                  FROM agentops_webhooks w
                 CROSS JOIN (SELECT ({(enrich ? FromJournal : "")}$3::jsonb)::text AS payload) e
                 WHERE w.active AND $2 = ANY (w.events)
                ON CONFLICT DO NOTHING
                """);
            command.Parameters.AddWithValue(entry.Id);
            command.Parameters.Add(new NpgsqlParameter { Value = type, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = payload.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
            if (enrich)
            {
                command.Parameters.AddWithValue(entry.RunId);
                command.Parameters.Add(new NpgsqlParameter { Value = call, NpgsqlDbType = NpgsqlDbType.Text });
            }
            commands.Add(command);
        }
    }
}
