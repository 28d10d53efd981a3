package web

import "testing"

func TestAuditLabels(t *testing.T) {
	tests := []struct{ action, actor, wantAction, wantActor string }{
		{"reply", "staff:budi", "dibalas", "budi"},
		{"open", "citizen:web:abc", "tiket dibuka", "warga"},
		{"sla_breach", "system", "melewati batas SLA", "sistem"},
		{"whatsapp_logged_out", "cli", "whatsapp logged out", "cli"},
	}
	for _, tt := range tests {
		if got := auditLabel(tt.action); got != tt.wantAction {
			t.Errorf("auditLabel(%q) = %q, want %q", tt.action, got, tt.wantAction)
		}
		if got := actorLabel(tt.actor); got != tt.wantActor {
			t.Errorf("actorLabel(%q) = %q, want %q", tt.actor, got, tt.wantActor)
		}
	}
}
