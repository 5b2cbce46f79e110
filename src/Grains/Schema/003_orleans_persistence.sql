-- Grain state for Microsoft.Orleans.Persistence.AdoNet (binary payloads from the Orleans serializer).
-- Queries may only name the parameters the provider sends: an unknown @Name reaches PostgreSQL as SQL. The version column is the etag: a write names
-- the version it read, and a write against a newer version changes nothing (Orleans then reports
-- an inconsistent state instead of losing an update).

CREATE TABLE IF NOT EXISTS agentops_grain_state
(
    service_id       varchar(150) NOT NULL,
    grain_type_hash  integer      NOT NULL,
    grain_type       varchar(512) NOT NULL,
    grain_id_hash    integer      NOT NULL,
    grain_id_n0      bigint       NOT NULL,
    grain_id_n1      bigint       NOT NULL,
    grain_id_ext     varchar(512) NOT NULL DEFAULT '',
    payload_binary   bytea        NULL,
    version          integer      NOT NULL,
    modified_at      timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_type_hash, grain_id_hash, grain_id_n0, grain_id_n1, grain_type, grain_id_ext)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', '
SELECT payload_binary AS PayloadBinary, NULL::text AS PayloadXml, NULL::text AS PayloadJson,
       modified_at AS ModifiedOn, version AS Version
  FROM agentops_grain_state
 WHERE service_id = @ServiceId AND grain_type_hash = @GrainTypeHash::integer
   AND grain_id_hash = @GrainIdHash::integer AND grain_id_n0 = @GrainIdN0::bigint
   AND grain_id_n1 = @GrainIdN1::bigint AND grain_type = @GrainTypeString
   AND grain_id_ext = coalesce(@GrainIdExtensionString::varchar, '''');'),

-- A null version means "never read": insert, unless another activation got there first.
('WriteToStorageKey', '
WITH updated AS (
    UPDATE agentops_grain_state
       SET payload_binary = @PayloadBinary::bytea,
           version = version + 1, modified_at = now()
     WHERE @GrainStateVersion::integer IS NOT NULL AND version = @GrainStateVersion::integer
       AND service_id = @ServiceId AND grain_type_hash = @GrainTypeHash::integer
       AND grain_id_hash = @GrainIdHash::integer AND grain_id_n0 = @GrainIdN0::bigint
       AND grain_id_n1 = @GrainIdN1::bigint AND grain_type = @GrainTypeString
       AND grain_id_ext = coalesce(@GrainIdExtensionString::varchar, '''')
    RETURNING version),
inserted AS (
    INSERT INTO agentops_grain_state (service_id, grain_type_hash, grain_type, grain_id_hash, grain_id_n0,
                                      grain_id_n1, grain_id_ext, payload_binary, version)
    SELECT @ServiceId, @GrainTypeHash::integer, @GrainTypeString, @GrainIdHash::integer, @GrainIdN0::bigint,
           @GrainIdN1::bigint, coalesce(@GrainIdExtensionString::varchar, ''''), @PayloadBinary::bytea, 1
     WHERE @GrainStateVersion::integer IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version)
SELECT coalesce((SELECT version FROM updated), (SELECT version FROM inserted), @GrainStateVersion::integer)
       AS NewGrainStateVersion;'),

('ClearStorageKey', '
UPDATE agentops_grain_state
   SET payload_binary = NULL, version = version + 1, modified_at = now()
 WHERE version = @GrainStateVersion::integer
   AND service_id = @ServiceId AND grain_type_hash = @GrainTypeHash::integer
   AND grain_id_hash = @GrainIdHash::integer AND grain_id_n0 = @GrainIdN0::bigint
   AND grain_id_n1 = @GrainIdN1::bigint AND grain_type = @GrainTypeString
   AND grain_id_ext = coalesce(@GrainIdExtensionString::varchar, '''')
RETURNING version AS NewGrainStateVersion;')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
