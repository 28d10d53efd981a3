-- A downloaded photo's media_ref becomes its path relative to the data
-- folder (media/<channel>/<year-month>/<file>) instead of the path the
-- adapter was given, which was relative to serve's working directory or
-- absolute: a command run elsewhere (anonymize from cron, a restore on
-- another machine) resolves it against its own --data. Each leading
-- folder is stripped in turn and the one tail with the media folder's
-- layout kept; references that are not files (wa-media:…, Telegram file
-- ids) have no such tail and stay.
WITH RECURSIVE tail (id, rest) AS (
	SELECT id, media_ref FROM messages
	WHERE media_ref GLOB '*media/*/[0-9][0-9][0-9][0-9]-[0-9][0-9]/*' AND media_ref NOT GLOB '*:*'
	UNION ALL
	SELECT id, substr(rest, instr(rest, '/') + 1) FROM tail WHERE instr(rest, '/') > 0
), found (id, ref) AS (
	SELECT id, rest FROM tail
	WHERE rest GLOB 'media/*/[0-9][0-9][0-9][0-9]-[0-9][0-9]/*'
	  AND length(rest) - length(replace(rest, '/', '')) = 3
)
UPDATE messages SET media_ref = (SELECT ref FROM found WHERE found.id = messages.id)
WHERE id IN (SELECT id FROM found);
