-- Cluster membership for Microsoft.Orleans.Clustering.AdoNet.
-- One version row per deployment acts as the table-wide etag; every membership write locks it first,
-- so concurrent writers are serialised and a stale version changes nothing.

CREATE TABLE IF NOT EXISTS agentops_membership_version
(
    deployment_id varchar(150) NOT NULL PRIMARY KEY,
    changed_at    timestamptz  NOT NULL DEFAULT now(),
    version       integer      NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS agentops_membership
(
    deployment_id  varchar(150)  NOT NULL REFERENCES agentops_membership_version (deployment_id),
    address        varchar(45)   NOT NULL,
    port           integer       NOT NULL,
    generation     integer       NOT NULL,
    silo_name      varchar(150)  NOT NULL,
    host_name      varchar(150)  NOT NULL,
    status         integer       NOT NULL,
    proxy_port     integer       NULL,
    suspect_times  varchar(8000) NULL,
    start_time     timestamptz   NOT NULL,
    i_am_alive     timestamptz   NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

CREATE OR REPLACE FUNCTION agentops_membership_insert(
    p_deployment text, p_address text, p_port integer, p_generation integer, p_silo_name text,
    p_host_name text, p_status integer, p_proxy_port integer, p_start timestamptz, p_alive timestamptz,
    p_version integer)
RETURNS integer LANGUAGE plpgsql AS $body$
DECLARE
    v_current integer;
BEGIN
    SELECT version INTO v_current FROM agentops_membership_version
     WHERE deployment_id = p_deployment FOR UPDATE;
    IF v_current IS NULL OR v_current <> p_version THEN
        RETURN 0;
    END IF;

    INSERT INTO agentops_membership (deployment_id, address, port, generation, silo_name, host_name,
                                     status, proxy_port, start_time, i_am_alive)
    VALUES (p_deployment, p_address, p_port, p_generation, p_silo_name, p_host_name,
            p_status, p_proxy_port, p_start, p_alive)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE agentops_membership_version SET version = version + 1, changed_at = now()
     WHERE deployment_id = p_deployment;
    RETURN 1;
END
$body$;

CREATE OR REPLACE FUNCTION agentops_membership_update(
    p_deployment text, p_address text, p_port integer, p_generation integer, p_status integer,
    p_suspect_times text, p_alive timestamptz, p_version integer)
RETURNS integer LANGUAGE plpgsql AS $body$
DECLARE
    v_current integer;
BEGIN
    SELECT version INTO v_current FROM agentops_membership_version
     WHERE deployment_id = p_deployment FOR UPDATE;
    IF v_current IS NULL OR v_current <> p_version THEN
        RETURN 0;
    END IF;

    UPDATE agentops_membership
       SET status = p_status, suspect_times = p_suspect_times, i_am_alive = p_alive
     WHERE deployment_id = p_deployment AND address = p_address
       AND port = p_port AND generation = p_generation;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE agentops_membership_version SET version = version + 1, changed_at = now()
     WHERE deployment_id = p_deployment;
    RETURN 1;
END
$body$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey', '
WITH created AS (
    INSERT INTO agentops_membership_version (deployment_id) VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1)
SELECT count(*)::integer FROM created;'),

('InsertMembershipKey', '
SELECT agentops_membership_insert(@DeploymentId, @Address, @Port::integer, @Generation::integer, @SiloName,
    @HostName, @Status::integer, @ProxyPort::integer, @StartTime, @IAmAliveTime, @Version::integer);'),

('UpdateMembershipKey', '
SELECT agentops_membership_update(@DeploymentId, @Address, @Port::integer, @Generation::integer,
    @Status::integer, @SuspectTimes, @IAmAliveTime, @Version::integer);'),

('UpdateIAmAlivetimeKey', '
UPDATE agentops_membership SET i_am_alive = @IAmAliveTime
 WHERE deployment_id = @DeploymentId AND address = @Address
   AND port = @Port::integer AND generation = @Generation::integer;'),

('MembershipReadRowKey', '
SELECT v.deployment_id AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation,
       m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
       m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive AS IAmAliveTime,
       v.version AS Version
  FROM agentops_membership_version v
  LEFT JOIN agentops_membership m
    ON m.deployment_id = v.deployment_id AND m.address = @Address
   AND m.port = @Port::integer AND m.generation = @Generation::integer
 WHERE v.deployment_id = @DeploymentId;'),

('MembershipReadAllKey', '
SELECT v.deployment_id AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation,
       m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
       m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive AS IAmAliveTime,
       v.version AS Version
  FROM agentops_membership_version v
  LEFT JOIN agentops_membership m ON m.deployment_id = v.deployment_id
 WHERE v.deployment_id = @DeploymentId;'),

('DeleteMembershipTableEntriesKey', '
DELETE FROM agentops_membership WHERE deployment_id = @DeploymentId;
DELETE FROM agentops_membership_version WHERE deployment_id = @DeploymentId;'),

('GatewaysQueryKey', '
SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
  FROM agentops_membership
 WHERE deployment_id = @DeploymentId AND status = @Status::integer AND proxy_port > 0;'),

-- Only rows of dead silos (status 6) that have not been alive since the cut-off are removed.
('CleanupDefunctSiloEntriesKey', '
DELETE FROM agentops_membership
 WHERE deployment_id = @DeploymentId AND status = 6
   AND i_am_alive < @IAmAliveTime AND start_time < @IAmAliveTime;'),

('CleanupDefunctSiloEntryKey', '
DELETE FROM agentops_membership
 WHERE deployment_id = @DeploymentId AND status = 6
   AND address = @Address AND port = @Port::integer AND generation = @Generation::integer
   AND i_am_alive = @IAmAliveTime AND start_time = @StartTime
   AND suspect_times IS NOT DISTINCT FROM @SuspectTimes::varchar;')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
