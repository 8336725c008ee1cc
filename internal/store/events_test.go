package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
)

func TestEvents(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		sam := newUser(t, db.Repos, domain.RoleSales, "Sam Sales")
		sue := newUser(t, db.Repos, domain.RoleSupport, "Sue Support")
		acme := newCustomer(t, db.Repos, sam, "Ann Acme", "ACME")
		k := newContract(t, db.Repos, acme, 1000, 1000, domain.ContractSigned)
		start := time.Date(2026, 6, 4, 13, 0, 0, 0, time.UTC)

		t.Run("create then get joins the customer's contact details and the contacts", func(t *testing.T) {
			e := domain.Event{ContractID: k.ID, Name: "Launch", StartAt: start, EndAt: start.Add(5 * time.Hour),
				Location: "53 Rue du Château, 41120 Candé-sur-Beuvron", Attendees: 75, Notes: "Wedding.\nDJ at 8pm."}
			mustNil(t, db.CreateEvent(ctx, &e))
			if e.ID == 0 || e.Version != 1 || e.CreatedAt.IsZero() {
				t.Fatalf("after create: %+v", e)
			}
			got, err := db.GetEvent(ctx, e.ID)
			mustNil(t, err)
			want := e
			want.CustomerID, want.CustomerName, want.CustomerEmail, want.CustomerPhone = acme.ID, acme.FullName, acme.Email, acme.Phone
			want.SalesContactID = sam.ID
			if !eventEqual(got, want) {
				t.Fatalf("GetEvent = %+v\nwant %+v", got, want)
			}
			if got.SupportContactID != nil || got.SupportContactName != "" {
				t.Fatalf("unassigned event has support %v %q", got.SupportContactID, got.SupportContactName)
			}
		})

		t.Run("assigning support is an update; the support contact's name is joined", func(t *testing.T) {
			e := newEvent(t, db.Repos, k, nil, "Assign Me", start, 2)
			read := e
			e.SupportContactID = &sue.ID
			e.Attendees = 0
			mustNil(t, db.UpdateEvent(ctx, &e))
			if e.SupportContactName != "Sue Support" || e.Version != 2 {
				t.Fatalf("after update: %+v", e)
			}
			got, err := db.GetEvent(ctx, e.ID)
			mustNil(t, err)
			if got.SupportContactID == nil || *got.SupportContactID != sue.ID || got.SupportContactName != "Sue Support" || got.Attendees != 0 {
				t.Fatalf("stored: %+v", got)
			}
			if err := db.UpdateEvent(ctx, &read); err != domain.ErrStale {
				t.Fatalf("stale update: %v, want domain.ErrStale", err)
			}
		})

		t.Run("update from a read keeps the support contact's name without reading it, and reads a new one's", func(t *testing.T) {
			was, err := db.GetEvent(ctx, newEvent(t, db.Repos, k, &sue, "Named Support", start, 2).ID)
			mustNil(t, err)
			next := was
			next.Location = "Elsewhere"
			counted, count := store.CountQueries(ctx)
			mustNil(t, db.UpdateEventFrom(counted, was, &next))
			if last, _ := count.Last(); count.Count() != 1 || !contains(last.SQL, "SET location = ?, version = version + 1") {
				t.Fatalf("%d statements, last %q: want the UPDATE of the location alone", count.Count(), last.SQL)
			}
			if next.SupportContactName != "Sue Support" {
				t.Fatalf("after update: %+v", next)
			}
			sid := newUser(t, db.Repos, domain.RoleSupport, "Sid Support")
			moved := next
			moved.SupportContactID, moved.SupportContactName = &sid.ID, ""
			mustNil(t, db.UpdateEventFrom(ctx, next, &moved))
			if moved.SupportContactName != "Sid Support" || moved.Version != 3 {
				t.Fatalf("after reassigning: %+v", moved)
			}
		})

		t.Run("the database refuses an end before the start and negative attendees", func(t *testing.T) {
			e := domain.Event{ContractID: k.ID, Name: "Backwards", StartAt: start, EndAt: start, Location: "x"}
			wantField(t, db.CreateEvent(ctx, &e), domain.CodeInvalid, "end_at")
			e = domain.Event{ContractID: k.ID, Name: "Negative", StartAt: start, EndAt: start.Add(time.Hour), Location: "x", Attendees: -1}
			wantField(t, db.CreateEvent(ctx, &e), domain.CodeInvalid, "attendees")
		})

		t.Run("missing references are not found, naming the field", func(t *testing.T) {
			e := domain.Event{ContractID: 999999, Name: "No Contract", StartAt: start, EndAt: start.Add(time.Hour), Location: "x"}
			wantField(t, db.CreateEvent(ctx, &e), domain.CodeNotFound, "contract_id")
			e = domain.Event{ContractID: k.ID, Name: "No Support", StartAt: start, EndAt: start.Add(time.Hour), Location: "x", SupportContactID: ptr[domain.ID](999999)}
			wantField(t, db.CreateEvent(ctx, &e), domain.CodeNotFound, "support_contact_id")
		})

		t.Run("a missing event is not found; an event is deleted", func(t *testing.T) {
			_, err := db.GetEvent(ctx, 999999)
			wantCode(t, err, domain.CodeNotFound)
			e := newEvent(t, db.Repos, k, nil, "Delete Me", start, 1)
			mustNil(t, db.DeleteEvent(ctx, e.ID))
			wantCode(t, db.DeleteEvent(ctx, e.ID), domain.CodeNotFound)
		})
	})
}

// eventEqual compares events, times by instant.
func eventEqual(a, b domain.Event) bool {
	if !a.StartAt.Equal(b.StartAt) || !a.EndAt.Equal(b.EndAt) || !a.CreatedAt.Equal(b.CreatedAt) || !a.UpdatedAt.Equal(b.UpdatedAt) {
		return false
	}
	if (a.SupportContactID == nil) != (b.SupportContactID == nil) || (a.SupportContactID != nil && *a.SupportContactID != *b.SupportContactID) {
		return false
	}
	a.StartAt, a.EndAt, a.CreatedAt, a.UpdatedAt, a.SupportContactID = b.StartAt, b.EndAt, b.CreatedAt, b.UpdatedAt, b.SupportContactID
	return a == b
}

func TestListEvents(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		sam := newUser(t, db.Repos, domain.RoleSales, "Sam Sales")
		sue := newUser(t, db.Repos, domain.RoleSupport, "Sue Support")
		tom := newUser(t, db.Repos, domain.RoleSupport, "Tom Support")
		acme := newCustomer(t, db.Repos, sam, "Ann Acme", "ACME")
		globex := newCustomer(t, db.Repos, sam, "Bob Globex", "Globex")
		ka := newContract(t, db.Repos, acme, 1000, 1000, domain.ContractSigned)
		kg := newContract(t, db.Repos, globex, 1000, 1000, domain.ContractSigned)
		day := func(d int) time.Time { return time.Date(2026, 7, d, 18, 0, 0, 0, time.UTC) }

		past := newEvent(t, db.Repos, ka, &sue, "Past Party", day(1), 4)
		gala := newEvent(t, db.Repos, kg, &tom, "Globex Gala", day(10), 4)
		open := newEvent(t, db.Repos, ka, nil, "Open Seminar", day(10), 2) // same start as gala: id breaks the tie
		later := newEvent(t, db.Repos, kg, &sue, "Later Launch", day(20), 3)

		ids := func(f domain.EventFilter) []domain.ID {
			l, err := db.ListEvents(ctx, f)
			mustNil(t, err)
			var out []domain.ID
			for _, e := range l.Items {
				out = append(out, e.ID)
				if e.CustomerName == "" || e.CustomerEmail == "" || e.CustomerPhone == "" || e.SalesContactID == 0 {
					t.Fatalf("event %d listed without its customer's details: %+v", e.ID, e)
				}
				if (e.SupportContactID != nil) != (e.SupportContactName != "") {
					t.Fatalf("event %d: support id %v with name %q", e.ID, e.SupportContactID, e.SupportContactName)
				}
			}
			return out
		}
		all := []domain.ID{past.ID, gala.ID, open.ID, later.ID}
		tests := []struct {
			name string
			f    domain.EventFilter
			want []domain.ID
		}{
			{"every event by start, then id", domain.EventFilter{}, all},
			{"one contract's", domain.EventFilter{ContractID: kg.ID}, []domain.ID{gala.ID, later.ID}},
			{"my events", domain.EventFilter{SupportContactID: sue.ID}, []domain.ID{past.ID, later.ID}},
			{"without support", domain.EventFilter{WithoutSupport: true}, []domain.ID{open.ID}},
			{"from a time on (inclusive)", domain.EventFilter{From: ptr(day(10))}, []domain.ID{gala.ID, open.ID, later.ID}},
			{"before a time (exclusive)", domain.EventFilter{To: ptr(day(10))}, []domain.ID{past.ID}},
			{"an upcoming window", domain.EventFilter{From: ptr(day(2)), To: ptr(day(15))}, []domain.ID{gala.ID, open.ID}},
			{"my upcoming events", domain.EventFilter{SupportContactID: sue.ID, From: ptr(day(2))}, []domain.ID{later.ID}},
			{"search in the name", domain.EventFilter{Search: "GALA"}, []domain.ID{gala.ID}},
			{"search in the location", domain.EventFilter{Search: "pleyel"}, all},
			{"search in the customer's name", domain.EventFilter{Search: "globex"}, []domain.ID{gala.ID, later.ID}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := ids(tt.f); !slices.Equal(got, tt.want) {
					t.Fatalf("ids = %v, want %v", got, tt.want)
				}
			})
		}
		t.Run("pages follow the cursor, also under a filter", func(t *testing.T) {
			for size := 1; size <= 4; size++ {
				got := allPages(t, size, func(p domain.Page) (domain.List[domain.Event], error) {
					return db.ListEvents(ctx, domain.EventFilter{Page: p})
				}, func(e domain.Event) domain.ID { return e.ID })
				if !slices.Equal(got, all) {
					t.Fatalf("size %d: %v, want %v", size, got, all)
				}
				got = allPages(t, size, func(p domain.Page) (domain.List[domain.Event], error) {
					return db.ListEvents(ctx, domain.EventFilter{From: ptr(day(5)), Page: p})
				}, func(e domain.Event) domain.ID { return e.ID })
				if want := []domain.ID{gala.ID, open.ID, later.ID}; !slices.Equal(got, want) {
					t.Fatalf("size %d, upcoming: %v, want %v", size, got, want)
				}
			}
		})

		t.Run("overlapping events of one support collaborator", func(t *testing.T) {
			// gala (tom) runs day(10) 18:00-22:00.
			tests := []struct {
				name       string
				support    domain.ID
				start, end time.Time
				exclude    domain.ID
				want       []domain.ID
			}{
				{"a period inside", tom.ID, day(10).Add(time.Hour), day(10).Add(2 * time.Hour), 0, []domain.ID{gala.ID}},
				{"a period overlapping the start", tom.ID, day(10).Add(-time.Hour), day(10).Add(time.Hour), 0, []domain.ID{gala.ID}},
				{"a period ending at the start does not overlap", tom.ID, day(10).Add(-time.Hour), day(10), 0, nil},
				{"a period starting at the end does not overlap", tom.ID, day(10).Add(4 * time.Hour), day(10).Add(5 * time.Hour), 0, nil},
				{"the event itself is excluded", tom.ID, day(10), day(10).Add(4 * time.Hour), gala.ID, nil},
				{"another collaborator's events do not count", sue.ID, day(10), day(10).Add(4 * time.Hour), 0, nil},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					got, err := db.OverlappingEvents(ctx, tt.support, tt.start, tt.end, tt.exclude)
					mustNil(t, err)
					var gotIDs []domain.ID
					for _, e := range got {
						gotIDs = append(gotIDs, e.ID)
					}
					if !slices.Equal(gotIDs, tt.want) {
						t.Fatalf("overlapping = %v, want %v", gotIDs, tt.want)
					}
				})
			}
		})

		t.Run("upcoming events of a contract are counted from a time on", func(t *testing.T) {
			tests := []struct {
				contract domain.ID
				from     time.Time
				want     int
			}{
				{ka.ID, day(1), 2},
				{ka.ID, day(2), 1},
				{kg.ID, day(11), 1},
				{kg.ID, day(21), 0},
			}
			for _, tt := range tests {
				n, err := db.CountUpcomingEvents(ctx, tt.contract, tt.from)
				mustNil(t, err)
				if n != tt.want {
					t.Fatalf("contract %d from %v: %d, want %d", tt.contract, tt.from, n, tt.want)
				}
			}
		})
	})
}
