package web

import (
	"testing"

	"github.com/pemkab-kebumen/sigap"
)

func TestAuditLabels(t *testing.T) {
	tests := []struct {
		action                sigap.AuditAction
		actor                 sigap.Actor
		wantAction, wantActor string
	}{
		{sigap.ActionReply, sigap.StaffActor("budi"), "dibalas", "Budi Santoso"},
		{sigap.ActionAssign, sigap.StaffActor("lama"), "diberikan kepada rekan", "lama"}, // no name known
		{sigap.ActionOpen, sigap.CitizenActor(sigap.Address{Channel: sigap.Web, ID: "abc"}), "tiket dibuka", "warga"},
		{sigap.ActionSLABreach, sigap.ActorSystem, "melewati batas SLA", "sistem"},
		{sigap.ActionChannelTrouble, sigap.ActorCLI, "kanal bermasalah", "cli"},
		// An action a newer version records reads as its code.
		{"future_action", sigap.ActorAnonymous, "future action", "warga"},
	}
	for _, tt := range tests {
		if got := auditLabel(tt.action); got != tt.wantAction {
			t.Errorf("auditLabel(%q) = %q, want %q", tt.action, got, tt.wantAction)
		}
		if got := actorLabel(tt.actor, map[string]string{"budi": "Budi Santoso"}); got != tt.wantActor {
			t.Errorf("actorLabel(%q) = %q, want %q", tt.actor, got, tt.wantActor)
		}
	}
}

func TestEveryAuditActionHasALabel(t *testing.T) {
	for _, a := range sigap.AuditActions {
		if auditLabels[a] == "" {
			t.Errorf("audit action %q has no Indonesian label", a)
		}
	}
	if len(auditLabels) != len(sigap.AuditActions) {
		t.Errorf("%d labels for %d actions: a label for an action nobody records", len(auditLabels), len(sigap.AuditActions))
	}
}
