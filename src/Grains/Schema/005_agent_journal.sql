-- The agent journal: every run is the fold of its events, appended here and never changed.
-- (run_id, sequence) is unique, so two writers racing for the same run cannot both append event N:
-- the loser's insert fails and it re-reads the journal.

CREATE TABLE IF NOT EXISTS agentops_run_journal
(
    run_id      uuid        NOT NULL,
    sequence    integer     NOT NULL CHECK (sequence > 0),
    event_id    uuid        NOT NULL UNIQUE,
    event_type  varchar(32) NOT NULL,
    payload     json        NOT NULL,  -- json, not jsonb: the text is kept exactly as it was journaled
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (run_id, sequence)
);

CREATE OR REPLACE FUNCTION agentops_run_journal_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'agentops_run_journal is append-only (% refused)', TG_OP;
END;
$$;

DROP TRIGGER IF EXISTS agentops_run_journal_append_only ON agentops_run_journal;
CREATE TRIGGER agentops_run_journal_append_only
    BEFORE UPDATE OR DELETE ON agentops_run_journal
    FOR EACH ROW EXECUTE FUNCTION agentops_run_journal_is_append_only();

-- One row per run, rewritten in the same transaction as each append: the runs list and the approvals
-- inbox read it instead of folding every journal.
CREATE TABLE IF NOT EXISTS agentops_runs
(
    run_id            uuid         PRIMARY KEY,
    parent_run_id     uuid         NULL,
    root_run_id       uuid         NOT NULL,
    agent_type        varchar(64)  NOT NULL,
    user_id           varchar(320) NOT NULL,
    prompt            text         NOT NULL,
    status            varchar(16)  NOT NULL,
    steps             integer      NOT NULL,
    version           integer      NOT NULL,
    summary           text         NULL,
    pending_call_id   varchar(80)  NULL,
    pending_approval  jsonb        NULL,
    created_at        timestamptz  NOT NULL,
    updated_at        timestamptz  NOT NULL
);

CREATE INDEX IF NOT EXISTS agentops_runs_created ON agentops_runs (created_at DESC);
CREATE INDEX IF NOT EXISTS agentops_runs_user ON agentops_runs (user_id, created_at DESC);
CREATE INDEX IF NOT EXISTS agentops_runs_status ON agentops_runs (status, created_at DESC);
CREATE INDEX IF NOT EXISTS agentops_runs_parent ON agentops_runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS agentops_runs_pending ON agentops_runs (updated_at) WHERE pending_call_id IS NOT NULL;
