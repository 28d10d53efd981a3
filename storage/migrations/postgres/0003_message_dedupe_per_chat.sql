-- An inbound message is deduplicated per channel, citizen and platform id,
-- as on SQLite (migrations/0003_message_dedupe_per_chat.sql).
DROP INDEX messages_platform;
CREATE UNIQUE INDEX messages_platform ON messages (channel, citizen_id, platform_id)
	WHERE platform_id <> '';
