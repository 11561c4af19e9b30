-- Audit retention (Stowage:Audit:RetentionDays) deletes the oldest entries in batches; this
-- index finds them without scanning the table, whatever its size.
CREATE INDEX audit_log_at ON audit_log (at);
