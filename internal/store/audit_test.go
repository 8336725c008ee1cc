package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
)

func TestAudit(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		boss := newUser(t, db.Repos, domain.RoleManagement, "Boss")
		sam := newUser(t, db.Repos, domain.RoleSales, "Sam Sales")
		at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
		add := func(actor *domain.Collaborator, action, entity string, id domain.ID, when time.Time, changes ...domain.Change) domain.AuditEntry {
			e := domain.AuditEntry{Action: action, Entity: entity, EntityID: id, At: when, Changes: changes}
			if actor != nil {
				e.ActorID, e.ActorEmail = &actor.ID, actor.Email
			}
			mustNil(t, db.AddAudit(ctx, &e))
			return e
		}
		// Each entry is told apart by its action: AddAudit does not read ids back.
		const a1, a2, a3, a4 = "user.create", "customer.update", "seed", "contract.sign"
		add(&boss, a1, "user", sam.ID, at(1))
		add(&sam, a2, "customer", 7, at(2), domain.Change{Field: "phone", Old: "01", New: "02"})
		add(nil, a3, "user", boss.ID, at(3))
		add(&boss, a4, "contract", 3, at(3)) // same time as a3: the id (a4's is later) breaks the tie

		t.Run("an entry reads back whole", func(t *testing.T) {
			l, err := db.ListAudit(ctx, domain.AuditFilter{Entity: "customer"})
			mustNil(t, err)
			if len(l.Items) != 1 {
				t.Fatalf("entries: %+v", l.Items)
			}
			got := l.Items[0]
			if got.ID == 0 || got.ActorID == nil || *got.ActorID != sam.ID || got.ActorEmail != sam.Email ||
				got.Action != "customer.update" || got.EntityID != 7 || !got.At.Equal(at(2)) ||
				!slices.Equal(got.Changes, []domain.Change{{Field: "phone", Old: "01", New: "02"}}) {
				t.Fatalf("entry = %+v", got)
			}
		})

		actions := func(f domain.AuditFilter) []string {
			l, err := db.ListAudit(ctx, f)
			mustNil(t, err)
			var out []string
			for _, e := range l.Items {
				out = append(out, e.Action)
			}
			return out
		}
		all := []string{a4, a3, a2, a1}
		tests := []struct {
			name string
			f    domain.AuditFilter
			want []string
		}{
			{"everything, newest first", domain.AuditFilter{}, all},
			{"one entity", domain.AuditFilter{Entity: "user"}, []string{a3, a1}},
			{"one actor", domain.AuditFilter{ActorID: boss.ID}, []string{a4, a1}},
			{"since a time (inclusive)", domain.AuditFilter{Since: ptr(at(2))}, []string{a4, a3, a2}},
			{"all three", domain.AuditFilter{Entity: "user", ActorID: boss.ID, Since: ptr(at(1))}, []string{a1}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := actions(tt.f); !slices.Equal(got, tt.want) {
					t.Fatalf("actions = %v, want %v", got, tt.want)
				}
			})
		}
		t.Run("pages follow the cursor newest first", func(t *testing.T) {
			one, err := db.ListAudit(ctx, domain.AuditFilter{}) // in the order checked above
			mustNil(t, err)
			var all []domain.ID
			for _, e := range one.Items {
				all = append(all, e.ID)
			}
			for size := 1; size <= 4; size++ {
				got := allPages(t, size, func(p domain.Page) (domain.List[domain.AuditEntry], error) {
					return db.ListAudit(ctx, domain.AuditFilter{Page: p})
				}, func(e domain.AuditEntry) domain.ID { return e.ID })
				if !slices.Equal(got, all) {
					t.Fatalf("size %d: %v, want %v", size, got, all)
				}
			}
		})
		t.Run("the trail outlives the actor", func(t *testing.T) {
			temp := newUser(t, db.Repos, domain.RoleSupport, "Temp")
			add(&temp, "event.update", "event", 1, at(4))
			mustNil(t, db.DeleteUser(ctx, temp.ID))
			l, err := db.ListAudit(ctx, domain.AuditFilter{ActorID: temp.ID})
			mustNil(t, err)
			if len(l.Items) != 1 || l.Items[0].Action != "event.update" || l.Items[0].ActorEmail != temp.Email {
				t.Fatalf("entries of a deleted actor: %+v", l.Items)
			}
		})
		t.Run("a zero time is stamped by the clock", func(t *testing.T) {
			e := add(nil, "login.failed", "session", 0, time.Time{})
			if e.At.IsZero() {
				t.Fatalf("after add: %+v", e)
			}
		})
	})
}
