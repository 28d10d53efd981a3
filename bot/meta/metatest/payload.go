package metatest

import (
	"encoding/json"
	"time"
)

// The webhook payloads below have the shapes Meta documents for
// Messenger, Instagram messaging, Instagram comments and Page feed
// changes; each is a whole webhook body with one event.

// Messenger is a Facebook Page's direct message from psid.
func Messenger(page, psid, mid, text string, at time.Time) []byte {
	return direct("page", page, psid, mid, text, at)
}

// InstagramDM is an Instagram account's direct message from igsid.
func InstagramDM(account, igsid, mid, text string, at time.Time) []byte {
	return direct("instagram", account, igsid, mid, text, at)
}

func direct(object, account, sender, mid, text string, at time.Time) []byte {
	return body(object, map[string]any{"id": account, "time": at.UnixMilli(), "messaging": []any{map[string]any{
		"sender": map[string]string{"id": sender}, "recipient": map[string]string{"id": account},
		"timestamp": at.UnixMilli(), "message": map[string]string{"mid": mid, "text": text}}}})
}

// InstagramComment is a comment under an Instagram account's media.
func InstagramComment(account, igsid, username, media, commentID, text string, at time.Time) []byte {
	return body("instagram", map[string]any{"id": account, "time": at.Unix(), "changes": []any{map[string]any{
		"field": "comments", "value": map[string]any{
			"id": commentID, "text": text, "from": map[string]string{"id": igsid, "username": username},
			"media": map[string]string{"id": media, "media_product_type": "FEED"}}}}})
}

// FacebookComment is a comment under a Page's post.
func FacebookComment(page, user, name, post, commentID, text string, at time.Time) []byte {
	return body("page", map[string]any{"id": page, "time": at.Unix(), "changes": []any{map[string]any{
		"field": "feed", "value": map[string]any{
			"item": "comment", "verb": "add", "comment_id": commentID, "post_id": post, "parent_id": post,
			"message": text, "created_time": at.Unix(), "from": map[string]string{"id": user, "name": name}}}}})
}

func body(object string, entry map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"object": object, "entry": []any{entry}})
	if err != nil {
		panic(err)
	}
	return b
}
