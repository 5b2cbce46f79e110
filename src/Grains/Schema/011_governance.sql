-- Approval governance (SPEC section 8): policies as versioned data, standing grants with exactly counted uses, and the
-- append-only, hash-chained approval audit written in the same transaction as the journal events it records.

CREATE TABLE IF NOT EXISTS agentops_policies
(
    policy_id   uuid        PRIMARY KEY,
    version     integer     NOT NULL,
    rule        jsonb       NOT NULL,
    deleted     boolean     NOT NULL DEFAULT false,
    updated_by  varchar(320) NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- Every version of every policy, never updated: who changed what, when.
CREATE TABLE IF NOT EXISTS agentops_policy_versions
(
    policy_id   uuid        NOT NULL,
    version     integer     NOT NULL,
    rule        jsonb       NOT NULL,
    deleted     boolean     NOT NULL,
    changed_by  varchar(320) NOT NULL,
    changed_at  timestamptz NOT NULL,
    PRIMARY KEY (policy_id, version)
);

CREATE TABLE IF NOT EXISTS agentops_grants
(
    grant_id    uuid        PRIMARY KEY,
    grant_rule  jsonb       NOT NULL,
    max_uses    integer     NULL CHECK (max_uses IS NULL OR max_uses > 0),
    uses        integer     NOT NULL DEFAULT 0,
    expires_at  timestamptz NULL,
    created_by  varchar(320) NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz NULL,
    revoked_by  varchar(320) NULL,
    CHECK (max_uses IS NULL OR uses <= max_uses)
);

-- One row per call a grant approved: a call uses a grant at most once, however often it is asked.
CREATE TABLE IF NOT EXISTS agentops_grant_uses
(
    call_id   varchar(80) PRIMARY KEY,
    grant_id  uuid        NOT NULL REFERENCES agentops_grants (grant_id),
    used_at   timestamptz NOT NULL
);

-- Takes one use of a grant for a call, or returns the grant the call already used; NULL when the grant is revoked,
-- expired or used up. The row lock of the UPDATE serializes racing calls, so uses never exceed max_uses.
CREATE OR REPLACE FUNCTION agentops_use_grant(p_grant uuid, p_call varchar, p_now timestamptz) RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    used uuid;
BEGIN
    SELECT grant_id INTO used FROM agentops_grant_uses WHERE call_id = p_call;
    IF FOUND THEN
        RETURN used;
    END IF;
    UPDATE agentops_grants SET uses = uses + 1
     WHERE grant_id = p_grant AND revoked_at IS NULL
       AND (expires_at IS NULL OR expires_at > p_now)
       AND (max_uses IS NULL OR uses < max_uses);
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    INSERT INTO agentops_grant_uses (call_id, grant_id, used_at) VALUES (p_call, p_grant, p_now);
    RETURN p_grant;
END
$$;

CREATE TABLE IF NOT EXISTS agentops_approval_audit
(
    seq        bigserial    PRIMARY KEY,
    run_id     uuid         NOT NULL,
    call_id    varchar(80)  NOT NULL,
    kind       varchar(32)  NOT NULL,
    record     text         NOT NULL,
    prev_hash  char(64)     NOT NULL,
    row_hash   char(64)     NOT NULL,
    event_id   uuid         NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS agentops_approval_audit_call ON agentops_approval_audit (run_id, call_id);

-- Appends one audit row after the last one, under a lock that keeps the chain a single line across silos:
-- row_hash = sha256(prev_hash || record), the genesis row's prev_hash being 64 zeros.
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
    INSERT INTO agentops_approval_audit (run_id, call_id, kind, record, prev_hash, row_hash, event_id)
    VALUES (p_run, p_call, p_kind, p_record, prev, encode(sha256(convert_to(prev || p_record, 'UTF8')), 'hex'), p_event);
END
$$;

-- Append-only: rows are never changed or removed by the application. (An owner can still drop the trigger, which is
-- why the rows are chained: GET /agents/audit/verify finds the first row that no longer fits.)
CREATE OR REPLACE FUNCTION agentops_audit_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'agentops_approval_audit is append-only';
END
$$;
DROP TRIGGER IF EXISTS agentops_approval_audit_append_only ON agentops_approval_audit;
CREATE TRIGGER agentops_approval_audit_append_only BEFORE UPDATE OR DELETE ON agentops_approval_audit
    FOR EACH ROW EXECUTE FUNCTION agentops_audit_immutable();
