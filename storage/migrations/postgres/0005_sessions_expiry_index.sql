-- Expired sessions are purged periodically by expiry time.
CREATE INDEX sessions_expires_at ON sessions (expires_at);
