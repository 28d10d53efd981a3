package telegram

import (
	"encoding/json"
	"slices"
	"strconv"
)

// unsupportedRefPrefix marks the MediaRef of a placeholder for content
// Sigap cannot show; the field name after it says what it was.
const unsupportedRefPrefix = "tg-unsupported:"

// messageMeta are the fields of a Bot API message that describe it rather
// than hold its content, up to Bot API 9: they never make a placeholder.
var messageMeta = fieldSet(
	"message_id", "message_thread_id", "direct_messages_topic", "from", "sender_chat",
	"sender_boost_count", "sender_business_bot", "date", "business_connection_id", "chat",
	"forward_origin", "forward_from", "forward_from_chat", "forward_from_message_id",
	"forward_signature", "forward_sender_name", "forward_date", "is_topic_message",
	"is_automatic_forward", "reply_to_message", "external_reply", "quote", "reply_to_story",
	"reply_to_checklist_task_id", "via_bot", "edit_date", "has_protected_content",
	"is_from_offline", "is_paid_post", "media_group_id", "author_signature", "paid_star_count",
	"text", "entities", "caption", "caption_entities", "show_caption_above_media",
	"has_media_spoiler", "link_preview_options", "suggested_post_info", "effect_id", "reply_markup",
)

// serviceFields are the fields of service messages: things that happened
// in the chat, not something the citizen wrote.
var serviceFields = fieldSet(
	"new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo",
	"delete_chat_photo", "group_chat_created", "supergroup_chat_created", "channel_chat_created",
	"message_auto_delete_timer_changed", "migrate_to_chat_id", "migrate_from_chat_id",
	"pinned_message", "successful_payment", "refunded_payment", "users_shared", "chat_shared",
	"gift", "unique_gift", "connected_website", "write_access_allowed", "passport_data",
	"proximity_alert_triggered", "boost_added", "chat_background_set", "checklist_tasks_done",
	"checklist_tasks_added", "direct_message_price_changed", "forum_topic_created",
	"forum_topic_edited", "forum_topic_closed", "forum_topic_reopened",
	"general_forum_topic_hidden", "general_forum_topic_unhidden", "giveaway_created",
	"giveaway_completed", "paid_message_price_changed", "suggested_post_approved",
	"suggested_post_approval_failed", "suggested_post_declined", "suggested_post_paid",
	"suggested_post_refunded", "video_chat_scheduled", "video_chat_started", "video_chat_ended",
	"video_chat_participants_invited", "voice_chat_scheduled", "voice_chat_started",
	"voice_chat_ended", "voice_chat_participants_invited", "web_app_data",
)

func fieldSet(names ...string) map[string]bool {
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set[n] = true
	}
	return set
}

// unsupportedField returns the content field of the update's message that
// Sigap does not handle, or "" when the message holds no content at all
// (a service message). Fields unknown here count as content: the Bot API
// keeps adding kinds, and a placeholder on the ticket is better than a
// message lost without a word.
func unsupportedField(raw []byte, edited bool) string {
	var u map[string]json.RawMessage
	if json.Unmarshal(raw, &u) != nil {
		return ""
	}
	key := "message"
	if edited {
		key = "edited_message"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(u[key], &m) != nil {
		return ""
	}
	var fields []string
	for f, v := range m {
		if !messageMeta[f] && !serviceFields[f] && string(v) != "null" {
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		return ""
	}
	return slices.Min(fields)
}

// updateLabel names an update in errors: its update_id when it has one.
func updateLabel(raw []byte) string {
	var u struct {
		UpdateID *int `json:"update_id"`
	}
	if json.Unmarshal(raw, &u) != nil || u.UpdateID == nil {
		return "without update_id"
	}
	return strconv.Itoa(*u.UpdateID)
}
