package sigap_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"testing"

	"github.com/pemkab-kebumen/sigap"
)

// TestAuditActionsListsEveryAction reads audit.go: every AuditAction
// constant declared there is in AuditActions, so the dashboard's test
// that each has a label sees them all.
func TestAuditActionsListsEveryAction(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "audit.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	declared := 0
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			v := spec.(*ast.ValueSpec)
			if id, ok := v.Type.(*ast.Ident); !ok || id.Name != "AuditAction" {
				continue
			}
			for _, name := range v.Names {
				declared++
				if !slices.ContainsFunc(sigap.AuditActions, func(a sigap.AuditAction) bool {
					return string(a) == constValue(t, v)
				}) {
					t.Errorf("%s is not in AuditActions", name.Name)
				}
			}
		}
	}
	if declared != len(sigap.AuditActions) {
		t.Errorf("%d actions declared, %d listed", declared, len(sigap.AuditActions))
	}
}

func constValue(t *testing.T, v *ast.ValueSpec) string {
	lit, ok := v.Values[0].(*ast.BasicLit)
	if !ok {
		t.Fatalf("%s: not a string literal", v.Names[0].Name)
	}
	return lit.Value[1 : len(lit.Value)-1]
}

func TestActors(t *testing.T) {
	if u, ok := sigap.StaffActor("budi").Staff(); !ok || u != "budi" {
		t.Errorf("StaffActor(budi).Staff() = %q, %v", u, ok)
	}
	c := sigap.CitizenActor(sigap.Address{Channel: sigap.Telegram, ID: "1001"})
	if _, ok := c.Staff(); ok || !c.IsCitizen() || c != "citizen:tg:1001" {
		t.Errorf("CitizenActor = %q", c)
	}
	if sigap.ActorSystem.IsCitizen() || !sigap.ActorAnonymous.IsCitizen() {
		t.Error("system is a citizen, or an anonymised citizen is not")
	}
}
