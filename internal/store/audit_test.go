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
		a1 := add(&boss, "user.create", "user", sam.ID, at(1))
		a2 := add(&sam, "customer.update", "customer", 7, at(2), domain.Change{Field: "phone", Old: "01", New: "02"})
		a3 := add(nil, "seed", "user", boss.ID, at(3))
		a4 := add(&boss, "contract.sign", "contract", 3, at(3)) // same time as a3: the id breaks the tie

		t.Run("an entry reads back whole", func(t *testing.T) {
			l, err := db.ListAudit(ctx, domain.AuditFilter{Entity: "customer"})
			mustNil(t, err)
			if len(l.Items) != 1 {
				t.Fatalf("entries: %+v", l.Items)
			}
			got := l.Items[0]
			if got.ID != a2.ID || got.ActorID == nil || *got.ActorID != sam.ID || got.ActorEmail != sam.Email ||
				got.Action != "customer.update" || got.EntityID != 7 || !got.At.Equal(at(2)) ||
				!slices.Equal(got.Changes, []domain.Change{{Field: "phone", Old: "01", New: "02"}}) {
				t.Fatalf("entry = %+v", got)
			}
		})

		ids := func(f domain.AuditFilter) []domain.ID {
			l, err := db.ListAudit(ctx, f)
			mustNil(t, err)
			var out []domain.ID
			for _, e := range l.Items {
				out = append(out, e.ID)
			}
			return out
		}
		all := []domain.ID{a4.ID, a3.ID, a2.ID, a1.ID}
		tests := []struct {
			name string
			f    domain.AuditFilter
			want []domain.ID
		}{
			{"everything, newest first", domain.AuditFilter{}, all},
			{"one entity", domain.AuditFilter{Entity: "user"}, []domain.ID{a3.ID, a1.ID}},
			{"one actor", domain.AuditFilter{ActorID: boss.ID}, []domain.ID{a4.ID, a1.ID}},
			{"since a time (inclusive)", domain.AuditFilter{Since: ptr(at(2))}, []domain.ID{a4.ID, a3.ID, a2.ID}},
			{"all three", domain.AuditFilter{Entity: "user", ActorID: boss.ID, Since: ptr(at(1))}, []domain.ID{a1.ID}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := ids(tt.f); !slices.Equal(got, tt.want) {
					t.Fatalf("ids = %v, want %v", got, tt.want)
				}
			})
		}
		t.Run("pages follow the cursor newest first", func(t *testing.T) {
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
			e := add(&temp, "event.update", "event", 1, at(4))
			mustNil(t, db.DeleteUser(ctx, temp.ID))
			l, err := db.ListAudit(ctx, domain.AuditFilter{ActorID: temp.ID})
			mustNil(t, err)
			if len(l.Items) != 1 || l.Items[0].ID != e.ID || l.Items[0].ActorEmail != temp.Email {
				t.Fatalf("entries of a deleted actor: %+v", l.Items)
			}
		})
		t.Run("a zero time is stamped by the clock", func(t *testing.T) {
			e := add(nil, "login.failed", "session", 0, time.Time{})
			if e.At.IsZero() || e.ID == 0 {
				t.Fatalf("after add: %+v", e)
			}
		})
	})
}
