-- A platform message id is unique only within its chat on some platforms
-- (and a web chat's ids come from the browser), so an inbound message is
-- deduplicated per channel, citizen and platform id: two chats reusing one
-- id no longer lose the second message.
DROP INDEX messages_platform;
CREATE UNIQUE INDEX messages_platform ON messages (channel, citizen_id, platform_id)
	WHERE platform_id <> '';
