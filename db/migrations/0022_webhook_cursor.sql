-- Webhook events start with the changes made after this feature is installed: the dispatcher's cursor begins at
-- the end of the audit trail as it is now, so past years are never sent out.
INSERT OR IGNORE INTO `webhook_cursor` (`name`, `value`) SELECT 'audit', CAST(coalesce(max(`id`), 0) AS TEXT) FROM `audit_log`;
