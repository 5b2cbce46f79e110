-- Reminders for Microsoft.Orleans.Reminders.AdoNet. Rows are spread over silos by grain hash ranges.

CREATE TABLE IF NOT EXISTS agentops_reminders
(
    service_id    varchar(150) NOT NULL,
    grain_id      varchar(150) NOT NULL,
    reminder_name varchar(150) NOT NULL,
    start_time    timestamptz  NOT NULL,
    period_ms     bigint       NOT NULL,
    grain_hash    integer      NOT NULL,
    version       integer      NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS agentops_reminders_by_hash ON agentops_reminders (service_id, grain_hash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('UpsertReminderRowKey', '
INSERT INTO agentops_reminders (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period::bigint, @GrainHash::integer, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
   SET start_time = excluded.start_time, period_ms = excluded.period_ms,
       grain_hash = excluded.grain_hash, version = agentops_reminders.version + 1
RETURNING version AS Version;'),

('ReadReminderRowsKey', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
  FROM agentops_reminders
 WHERE service_id = @ServiceId AND grain_id = @GrainId;'),

('ReadReminderRowKey', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
  FROM agentops_reminders
 WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName;'),

-- The hash ring range (begin, end]: ...1 when begin < end, ...2 when the range wraps around.
('ReadRangeRows1Key', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
  FROM agentops_reminders
 WHERE service_id = @ServiceId AND grain_hash > @BeginHash::integer AND grain_hash <= @EndHash::integer;'),

('ReadRangeRows2Key', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
  FROM agentops_reminders
 WHERE service_id = @ServiceId AND (grain_hash > @BeginHash::integer OR grain_hash <= @EndHash::integer);'),

('DeleteReminderRowKey', '
WITH deleted AS (
    DELETE FROM agentops_reminders
     WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
       AND version = @Version::integer
    RETURNING 1)
SELECT count(*)::integer FROM deleted;'),

('DeleteReminderRowsKey', '
DELETE FROM agentops_reminders WHERE service_id = @ServiceId;')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
