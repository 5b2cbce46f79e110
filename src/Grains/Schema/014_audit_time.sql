-- Approval analytics look at one period, but the audit had no time column: every stats request paged through the
-- whole chain (101,404 rows on a development box) to use the few rows of the period. The time of each row is the
-- "at" of its hashed record; this column copies it so that a period is an index range (verify checks the two agree).
ALTER TABLE agentops_approval_audit ADD COLUMN IF NOT EXISTS at timestamptz NULL;

-- A record's time, or NULL when the record is not JSON or its "at" is not a time: a row edited by hand must not stop
-- the silos from starting (GET /agents/audit/verify is what reports such a row).
CREATE OR REPLACE FUNCTION agentops_audit_time(p_record text) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (p_record::jsonb ->> 'at')::timestamptz;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

-- Rows from before this script: the append-only trigger steps aside for this one statement, which only fills the new
-- column from the hashed record (the chain is computed over the record, so it is unchanged).
ALTER TABLE agentops_approval_audit DISABLE TRIGGER agentops_approval_audit_append_only;
UPDATE agentops_approval_audit SET at = agentops_audit_time(record) WHERE at IS NULL;
ALTER TABLE agentops_approval_audit ENABLE TRIGGER agentops_approval_audit_append_only;

CREATE INDEX IF NOT EXISTS agentops_approval_audit_at ON agentops_approval_audit (at);

CREATE OR REPLACE FUNCTION agentops_audit_append(p_run uuid, p_call varchar, p_kind varchar, p_record text, p_event uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    prev char(64);
BEGIN
    PERFORM pg_advisory_xact_lock(727274001);
    SELECT row_hash INTO prev FROM agentops_approval_audit ORDER BY seq DESC LIMIT 1;
    IF NOT FOUND THEN
        prev := repeat('0', 64);
    END IF;
    INSERT INTO agentops_approval_audit (run_id, call_id, kind, record, prev_hash, row_hash, event_id, at)
    VALUES (p_run, p_call, p_kind, p_record, prev, encode(sha256(convert_to(prev || p_record, 'UTF8')), 'hex'), p_event,
            agentops_audit_time(p_record));
END
$$;
