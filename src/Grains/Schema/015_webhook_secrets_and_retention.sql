-- Webhook secrets are stored sealed (AES-256-GCM, base64 with a version prefix; WebhookSecretProtector), which is
-- longer than the secret itself.
ALTER TABLE agentops_webhooks ALTER COLUMN secret TYPE varchar(1000);

-- Finished deliveries are removed after AgentOps:Webhooks:DeliveryRetention; the purge walks them oldest first.
CREATE INDEX IF NOT EXISTS agentops_webhook_deliveries_finished ON agentops_webhook_deliveries (created_at) WHERE status <> 'pending';
