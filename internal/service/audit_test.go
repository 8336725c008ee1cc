package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

func TestAuditList(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		trail := service.NewAudit(w.Deps())
		users := w.users()
		manager := w.actor(w.Manager)

		created, err := users.Create(ctx, manager, service.NewUser{
			FullName: "Audited Person", Email: "audited@staff.example.com", Role: domain.RoleSupport, Password: "a long enough password",
		})
		if err != nil {
			t.Fatal(err)
		}
		w.Clock.Advance(time.Hour)
		since := w.Clock.Now()
		if _, err := users.Deactivate(ctx, manager, created.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.auth(t).Login(ctx, w.SalesA.Email, testPassword); err != nil {
			t.Fatal(err)
		}

		actions := func(l domain.List[domain.AuditEntry]) []string {
			var out []string
			for _, e := range l.Items {
				out = append(out, e.Action)
			}
			return out
		}
		cases := []struct {
			name   string
			filter domain.AuditFilter
			want   []string
		}{
			{"everything, newest first", domain.AuditFilter{}, []string{"login", "user.deactivate", "user.create"}},
			{"by entity", domain.AuditFilter{Entity: "user", ActorID: w.Manager.ID}, []string{"user.deactivate", "user.create"}},
			{"by actor", domain.AuditFilter{ActorID: w.SalesA.ID}, []string{"login"}},
			{"since a time", domain.AuditFilter{Since: &since}, []string{"login", "user.deactivate"}},
			{"one page at a time", domain.AuditFilter{Page: domain.Page{Limit: 2}}, []string{"login", "user.deactivate"}},
		}
		for _, tt := range cases {
			t.Run("management reads "+tt.name, func(t *testing.T) {
				l, err := trail.List(ctx, manager, tt.filter)
				if err != nil {
					t.Fatalf("List: %v", err)
				}
				got := actions(l)
				if len(got) != len(tt.want) {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
				for i := range got {
					if got[i] != tt.want[i] {
						t.Fatalf("got %v, want %v", got, tt.want)
					}
				}
			})
		}

		for _, who := range []struct {
			name  string
			actor service.Actor
			want  domain.Code
		}{
			{"sales", w.actor(w.SalesA), domain.CodeForbidden},
			{"support", w.actor(w.SupportA), domain.CodeForbidden},
			{"someone not logged in", service.Actor{}, domain.CodeUnauthenticated},
		} {
			t.Run(who.name+" may not read the audit log", func(t *testing.T) {
				l, err := trail.List(ctx, who.actor, domain.AuditFilter{})
				if code(err) != who.want || len(l.Items) != 0 {
					t.Fatalf("List = %d entries, %v; want %s", len(l.Items), err, who.want)
				}
			})
		}
	})
}
