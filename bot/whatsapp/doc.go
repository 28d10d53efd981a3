// Package whatsapp connects the regency's WhatsApp number to Sigap through
// go.mau.fi/whatsmeow, an unofficial client that links Sigap as a companion
// device of the number (like WhatsApp Web).
//
// The adapter meets the rest of Sigap only at the root package's channel
// boundary, sigap.ChannelAdapter: inbound messages become sigap.Inbound and
// go to the sigap.Receiver Start was given, replies arrive as sigap.Outbound
// through Send, and the connection is reported as a sigap.ChannelState. Nothing in package bot
// knows which WhatsApp client is behind the wa: addresses. That is what lets
// an adapter for WhatsApp's official Cloud API sit beside this one later
// without touching bot: it would be a package of its own (say
// bot/whatsappcloud) whose HTTP webhook handler verifies the Graph API
// signature, converts each webhook "messages" entry to sigap.Inbound with the
// same wa:<phone> addresses and WhatsApp message ids as PlatformID, and
// answers 200 only after Receive returned; its Send would POST to the Graph
// API's /messages endpoint and map HTTP 429 to *sigap.RetryAfterError and
// permanent Graph errors to *sigap.PermanentError. cmd/sigap would then
// choose which of the two adapters serves the wa channel.
//
// Session state (keys, contacts, the LID map) lives in whatsmeow's sqlstore
// tables inside Sigap's own database, on the handle and SQL dialect the
// storage package shares for it, so one file holds everything to back up;
// when Sigap last connected is a setting of Sigap's own. Inbound messages are acknowledged to WhatsApp only after the receiver
// committed them (whatsmeow's synchronous-ack mode), and sends are paced per
// chat and per minute to keep the number clear of WhatsApp's spam limits.
package whatsapp
