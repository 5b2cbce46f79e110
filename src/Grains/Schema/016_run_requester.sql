-- Who started each run (the e-mail in its RUN_STARTED event), so the runs list can show a person instead of an id.
ALTER TABLE agentops_runs ADD COLUMN IF NOT EXISTS requested_by varchar(320) NULL;

-- Runs journaled before the column: their requester is in the first event.
UPDATE agentops_runs r
   SET requested_by = left(j.payload ->> 'requested_by', 320)
  FROM agentops_run_journal j
 WHERE j.run_id = r.run_id AND j.sequence = 1 AND r.requested_by IS NULL AND j.payload ->> 'requested_by' IS NOT NULL;
