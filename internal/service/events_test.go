package service_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

func (w *world) events() *service.Events { return service.NewEvents(w.Deps()) }

// validEvent is an event input that passes every rule, a week after t0.
func validEvent() service.EventInput {
	start := t0.Add(7 * 24 * time.Hour)
	return service.EventInput{
		Name: "Lancement Été 2026", StartAt: start, EndAt: start.Add(5 * time.Hour),
		Location: "Pavillon Dauphine, Paris", Attendees: 250, Notes: "Badges at the door.\nDJ from 22:00.",
	}
}

func TestEventsCreate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.events()
		own := w.addCustomer(t, w.SalesA, "Yvonne Lambert")
		signed := w.addContract(t, own, 100000, domain.ContractSigned)

		t.Run("sales creates an event for their customer's signed contract, stored in UTC", func(t *testing.T) {
			paris, err := time.LoadLocation("Europe/Paris")
			if err != nil {
				paris = time.FixedZone("CET", 3600)
			}
			in := validEvent()
			in.StartAt, in.EndAt = in.StartAt.In(paris), in.EndAt.In(paris)
			e, err := svc.Create(ctx, w.actor(w.SalesA), signed.ID, in)
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			stored, err := svc.Get(ctx, w.actor(w.SupportA), e.ID)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if !stored.StartAt.Equal(in.StartAt) || !stored.EndAt.Equal(in.EndAt) ||
				stored.StartAt.Location() != time.UTC || stored.EndAt.Location() != time.UTC {
				t.Fatalf("stored %s – %s, want the instants of %s – %s in UTC", stored.StartAt, stored.EndAt, in.StartAt, in.EndAt)
			}
			if stored.Name != in.Name || stored.Location != in.Location || stored.Attendees != 250 || stored.Notes != in.Notes ||
				stored.SupportContactID != nil || stored.ContractID != signed.ID {
				t.Fatalf("stored %+v", stored)
			}
			if stored.CustomerName != own.FullName || stored.CustomerEmail != own.Email || stored.CustomerPhone != own.Phone {
				t.Fatalf("stored %+v: the customer's name, email and phone go with the event", stored)
			}
			if e.CustomerName != own.FullName {
				t.Fatalf("Create returned %+v without the customer's details", e)
			}
			w.assertAudit(t, w.SalesA, "event.create", "event", e.ID, map[string][2]string{
				"contract":  {"", fmt.Sprint(signed.ID)},
				"name":      {"", in.Name},
				"start_at":  {"", in.StartAt.UTC().Format(time.RFC3339)},
				"end_at":    {"", in.EndAt.UTC().Format(time.RFC3339)},
				"location":  {"", in.Location},
				"attendees": {"0", "250"},
				"notes":     {"", in.Notes},
			})
		})

		for _, tc := range []struct {
			name   string
			status domain.ContractStatus
		}{
			{"a draft contract gets no event", domain.ContractDraft},
			{"a cancelled contract gets no event", domain.ContractCancelled},
		} {
			t.Run(tc.name, func(t *testing.T) {
				k := w.addContract(t, own, 100000, tc.status)
				var err error
				w.denied(t, domain.CodeInvalid, func() error { _, err = svc.Create(ctx, w.actor(w.SalesA), k.ID, validEvent()); return err })
				if !strings.Contains(fieldError(err, "contract"), "must be signed") {
					t.Fatalf("err = %v, want the contract field named", err)
				}
			})
		}

		for _, tc := range []struct {
			name  string
			actor func() domain.Collaborator
		}{
			{"sales cannot create an event for another sales' customer", func() domain.Collaborator { return w.SalesB }},
			{"management cannot create events", func() domain.Collaborator { return w.Manager }},
			{"support cannot create events", func() domain.Collaborator { return w.SupportA }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w.denied(t, domain.CodeForbidden, func() error { _, err := svc.Create(ctx, w.actor(tc.actor()), signed.ID, validEvent()); return err })
			})
		}

		t.Run("an unknown contract is not found", func(t *testing.T) {
			w.denied(t, domain.CodeNotFound, func() error { _, err := svc.Create(ctx, w.actor(w.SalesA), 987654, validEvent()); return err })
		})

		for _, tc := range []struct {
			name  string
			edit  func(*service.EventInput)
			field string
			rule  string
		}{
			{"an empty name is refused", func(in *service.EventInput) { in.Name = " " }, "name", "is required"},
			{"a name over 100 characters is refused", func(in *service.EventInput) { in.Name = strings.Repeat("n", 101) }, "name", "at most 100"},
			{"an end before the start is refused", func(in *service.EventInput) { in.EndAt = in.StartAt.Add(-time.Hour) }, "end_at", "after the start"},
			{"an end equal to the start is refused", func(in *service.EventInput) { in.EndAt = in.StartAt }, "end_at", "after the start"},
			{"a missing start is refused", func(in *service.EventInput) { in.StartAt = time.Time{} }, "start_at", "is required"},
			{"a missing end is refused", func(in *service.EventInput) { in.EndAt = time.Time{} }, "end_at", "is required"},
			{"an empty location is refused", func(in *service.EventInput) { in.Location = "" }, "location", "is required"},
			{"a location over 200 characters is refused", func(in *service.EventInput) { in.Location = strings.Repeat("l", 201) }, "location", "at most 200"},
			{"negative attendees are refused", func(in *service.EventInput) { in.Attendees = -1 }, "attendees", "between 0 and 100000"},
			{"more than 100 000 attendees are refused", func(in *service.EventInput) { in.Attendees = 100001 }, "attendees", "between 0 and 100000"},
			{"notes over 2 000 characters are refused", func(in *service.EventInput) { in.Notes = strings.Repeat("x", 2001) }, "notes", "at most 2000"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				in := validEvent()
				tc.edit(&in)
				var err error
				w.denied(t, domain.CodeInvalid, func() error { _, err = svc.Create(ctx, w.actor(w.SalesA), signed.ID, in); return err })
				if rule := fieldError(err, tc.field); !strings.Contains(rule, tc.rule) {
					t.Fatalf("%s: %q, want %q (err %v)", tc.field, rule, tc.rule, err)
				}
			})
		}

		for _, tc := range []struct {
			name string
			edit func(*service.EventInput)
		}{
			{"no attendees and no notes are fine", func(in *service.EventInput) { in.Attendees, in.Notes = 0, "" }},
			{"exactly 100 000 attendees are fine", func(in *service.EventInput) { in.Attendees = 100000 }},
			{"a 200-character location and 2 000-character notes are fine", func(in *service.EventInput) {
				in.Location, in.Notes = strings.Repeat("l", 200), strings.Repeat("n", 2000)
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				in := validEvent()
				tc.edit(&in)
				if _, err := svc.Create(ctx, w.actor(w.SalesA), signed.ID, in); err != nil {
					t.Fatalf("Create: %v", err)
				}
			})
		}
	})
}

func TestEventsUpdate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.events()
		k := w.addContract(t, w.addCustomer(t, w.SalesA, "Zoé Garnier"), 100000, domain.ContractSigned)
		start := t0.Add(48 * time.Hour)

		t.Run("the assigned support collaborator updates their event and the audit names each change", func(t *testing.T) {
			e := w.addEvent(t, k, "Séminaire", start, &w.SupportA)
			newEnd := e.EndAt.Add(2 * time.Hour)
			got, warnings, err := svc.Update(ctx, w.actor(w.SupportA), e.ID, e.Version, service.EventPatch{
				EndAt: &newEnd, Location: ptr("Salle Gaveau"), Attendees: ptr(80), Notes: ptr("Projector in room B"),
			})
			if err != nil || len(warnings) != 0 {
				t.Fatalf("Update = %v, %v", warnings, err)
			}
			if !got.EndAt.Equal(newEnd) || got.Location != "Salle Gaveau" || got.Attendees != 80 || got.Version != e.Version+1 {
				t.Fatalf("updated %+v", got)
			}
			stored, _ := svc.Get(ctx, w.actor(w.Manager), e.ID)
			if stored.Location != "Salle Gaveau" || stored.Notes != "Projector in room B" || !stored.EndAt.Equal(newEnd) {
				t.Fatalf("stored %+v", stored)
			}
			w.assertAudit(t, w.SupportA, "event.update", "event", e.ID, map[string][2]string{
				"end_at":    {e.EndAt.Format(time.RFC3339), newEnd.Format(time.RFC3339)},
				"location":  {e.Location, "Salle Gaveau"},
				"attendees": {"120", "80"},
				"notes":     {"", "Projector in room B"},
			})
		})

		t.Run("management updates any event, assigned or not", func(t *testing.T) {
			for _, support := range []*domain.Collaborator{nil, &w.SupportB} {
				e := w.addEvent(t, k, "Gala", start, support)
				if _, _, err := svc.Update(ctx, w.actor(w.Manager), e.ID, e.Version, service.EventPatch{Attendees: ptr(10)}); err != nil {
					t.Fatalf("Update: %v", err)
				}
			}
		})

		for _, tc := range []struct {
			name    string
			actor   func() domain.Collaborator
			support func() *domain.Collaborator
		}{
			{"support cannot update an event assigned to someone else", func() domain.Collaborator { return w.SupportA }, func() *domain.Collaborator { return &w.SupportB }},
			{"support cannot update an event without support", func() domain.Collaborator { return w.SupportA }, func() *domain.Collaborator { return nil }},
			{"sales cannot update events, even of their own customer", func() domain.Collaborator { return w.SalesA }, func() *domain.Collaborator { return &w.SupportA }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := w.addEvent(t, k, "Cocktail", start, tc.support())
				w.denied(t, domain.CodeForbidden, func() error {
					_, _, err := svc.Update(ctx, w.actor(tc.actor()), e.ID, e.Version, service.EventPatch{Attendees: ptr(5)})
					return err
				})
			})
		}

		t.Run("a stale version is a conflict", func(t *testing.T) {
			e := w.addEvent(t, k, "Brunch", start, &w.SupportA)
			if _, _, err := svc.Update(ctx, w.actor(w.Manager), e.ID, e.Version, service.EventPatch{Attendees: ptr(30)}); err != nil {
				t.Fatalf("Update: %v", err)
			}
			w.denied(t, domain.CodeConflict, func() error {
				_, _, err := svc.Update(ctx, w.actor(w.SupportA), e.ID, e.Version, service.EventPatch{Attendees: ptr(40)})
				return err
			})
		})

		t.Run("moving the end before the start is refused and named", func(t *testing.T) {
			e := w.addEvent(t, k, "Dîner", start, &w.SupportA)
			before := e.StartAt.Add(-time.Minute)
			var err error
			w.denied(t, domain.CodeInvalid, func() error {
				_, _, err = svc.Update(ctx, w.actor(w.SupportA), e.ID, e.Version, service.EventPatch{EndAt: &before, Attendees: ptr(-3)})
				return err
			})
			if fieldError(err, "end_at") == "" || fieldError(err, "attendees") == "" {
				t.Fatalf("err = %v, want end_at and attendees named", err)
			}
		})

		t.Run("new dates that overlap another event of the support collaborator are kept, with a warning", func(t *testing.T) {
			other := w.addEvent(t, k, "Conférence de presse", start.Add(24*time.Hour), &w.SupportA)
			e := w.addEvent(t, k, "Atelier", start.Add(72*time.Hour), &w.SupportA)
			newStart, newEnd := other.StartAt.Add(time.Hour), other.EndAt.Add(time.Hour)
			got, warnings, err := svc.Update(ctx, w.actor(w.SupportA), e.ID, e.Version, service.EventPatch{StartAt: &newStart, EndAt: &newEnd})
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			if !got.StartAt.Equal(newStart) || len(warnings) != 1 || !strings.Contains(warnings[0], other.Name) {
				t.Fatalf("Update = %+v, warnings %q: want it moved and a warning naming %q", got, warnings, other.Name)
			}
		})
	})
}

func TestEventsAssign(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.events()
		manager := w.actor(w.Manager)
		k := w.addContract(t, w.addCustomer(t, w.SalesA, "Albane Perrin"), 100000, domain.ContractSigned)
		start := t0.Add(10 * 24 * time.Hour)

		t.Run("management assigns an active support collaborator", func(t *testing.T) {
			e := w.addEvent(t, k, "Vernissage", start, nil)
			got, warnings, err := svc.Assign(ctx, manager, e.ID, w.SupportA.ID)
			if err != nil || len(warnings) != 0 {
				t.Fatalf("Assign = %v, %v", warnings, err)
			}
			if got.SupportContactID == nil || *got.SupportContactID != w.SupportA.ID || got.SupportContactName != w.SupportA.FullName {
				t.Fatalf("assigned %+v", got)
			}
			w.assertAudit(t, w.Manager, "event.assign", "event", e.ID, map[string][2]string{"support_contact": {"", staffRef(w.SupportA)}})

			t.Run("then changes it to another", func(t *testing.T) {
				got, _, err := svc.Assign(ctx, manager, e.ID, w.SupportB.ID)
				if err != nil || got.SupportContactID == nil || *got.SupportContactID != w.SupportB.ID {
					t.Fatalf("Assign = %+v, %v", got, err)
				}
				w.assertAudit(t, w.Manager, "event.assign", "event", e.ID, map[string][2]string{
					"support_contact": {staffRef(w.SupportA), staffRef(w.SupportB)},
				})
			})

			t.Run("and takes it away", func(t *testing.T) {
				got, err := svc.Unassign(ctx, manager, e.ID)
				if err != nil || got.SupportContactID != nil {
					t.Fatalf("Unassign = %+v, %v", got, err)
				}
				l, err := svc.List(ctx, manager, domain.EventFilter{WithoutSupport: true, ContractID: k.ID})
				if err != nil || !slices.ContainsFunc(l.Items, func(x domain.Event) bool { return x.ID == e.ID }) {
					t.Fatalf("events without support = %+v, %v", l.Items, err)
				}
				w.assertAudit(t, w.Manager, "event.unassign", "event", e.ID, map[string][2]string{"support_contact": {staffRef(w.SupportB), ""}})
			})
		})

		t.Run("an overlap with another of the assignee's events is allowed, with a warning naming it", func(t *testing.T) {
			busy := w.addEvent(t, k, "Salon du mariage", start.Add(100*time.Hour), &w.SupportB)
			e := w.addEvent(t, k, "Soirée client", busy.StartAt.Add(2*time.Hour), nil)
			got, warnings, err := svc.Assign(ctx, manager, e.ID, w.SupportB.ID)
			if err != nil {
				t.Fatalf("Assign: %v", err)
			}
			if got.SupportContactID == nil || *got.SupportContactID != w.SupportB.ID {
				t.Fatalf("assigned %+v", got)
			}
			if len(warnings) != 1 || !strings.Contains(warnings[0], `"Salon du mariage"`) || !strings.Contains(warnings[0], fmt.Sprintf("#%d", busy.ID)) {
				t.Fatalf("warnings %q, want one naming the other event", warnings)
			}

			t.Run("but an event right after another does not overlap it", func(t *testing.T) {
				next := w.addEvent(t, k, "Après-salon", busy.EndAt.Add(2*time.Hour), nil)
				if _, warnings, err := svc.Assign(ctx, manager, next.ID, w.SupportA.ID); err != nil || len(warnings) != 0 {
					t.Fatalf("Assign = %q, %v", warnings, err)
				}
			})
		})

		gone := w.addUser(t, domain.RoleSupport, "Gaston Parti")
		gone.Active = false
		if err := w.DB.UpdateUser(ctx, &gone); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			to   func() domain.ID
		}{
			{"the assignee must be support, not sales", func() domain.ID { return w.SalesA.ID }},
			{"the assignee must be support, not management", func() domain.ID { return w.Manager.ID }},
			{"the assignee must be active", func() domain.ID { return gone.ID }},
			{"the assignee must exist", func() domain.ID { return 987654 }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := w.addEvent(t, k, "Réception", start, nil)
				var err error
				w.denied(t, domain.CodeInvalid, func() error { _, _, err = svc.Assign(ctx, manager, e.ID, tc.to()); return err })
				if !strings.Contains(fieldError(err, "support_contact"), "active support collaborator") {
					t.Fatalf("err = %v, want the support_contact field named", err)
				}
			})
		}

		for _, tc := range []struct {
			name  string
			actor func() domain.Collaborator
		}{
			{"sales cannot assign support", func() domain.Collaborator { return w.SalesA }},
			{"support cannot assign support, even themselves", func() domain.Collaborator { return w.SupportA }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := w.addEvent(t, k, "Pot de départ", start, nil)
				w.denied(t, domain.CodeForbidden, func() error { _, _, err := svc.Assign(ctx, w.actor(tc.actor()), e.ID, w.SupportA.ID); return err })
				assigned := w.addEvent(t, k, "Pot d'arrivée", start, &w.SupportA)
				w.denied(t, domain.CodeForbidden, func() error { _, err := svc.Unassign(ctx, w.actor(tc.actor()), assigned.ID); return err })
			})
		}
	})
}

func TestEventsList(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.events()
		k := w.addContract(t, w.addCustomer(t, w.SalesA, "Bérénice Roy"), 100000, domain.ContractSigned)
		none := w.addEvent(t, k, "Sans support", t0.Add(24*time.Hour), nil)
		mine := w.addEvent(t, k, "Le mien", t0.Add(48*time.Hour), &w.SupportA)
		theirs := w.addEvent(t, k, "Le sien", t0.Add(72*time.Hour), &w.SupportB)

		for _, tc := range []struct {
			name string
			f    domain.EventFilter
			want []domain.ID // by start time
		}{
			{"every event", domain.EventFilter{}, []domain.ID{none.ID, mine.ID, theirs.ID}},
			{"events without support", domain.EventFilter{WithoutSupport: true}, []domain.ID{none.ID}},
			{"my events", domain.EventFilter{SupportContactID: w.SupportA.ID}, []domain.ID{mine.ID}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, who := range []domain.Collaborator{w.Manager, w.SalesA, w.SupportA} {
					l, err := svc.List(ctx, w.actor(who), tc.f)
					if err != nil {
						t.Fatalf("%s: List: %v", who.Role, err)
					}
					var got []domain.ID
					for _, e := range l.Items {
						got = append(got, e.ID)
					}
					if !slices.Equal(got, tc.want) {
						t.Fatalf("%s: List = %v, want %v", who.Role, got, tc.want)
					}
				}
			})
		}

		t.Run("an actor who did not log in reads nothing", func(t *testing.T) {
			if _, err := svc.List(ctx, service.Actor{}, domain.EventFilter{}); code(err) != domain.CodeUnauthenticated {
				t.Fatalf("List: %v", err)
			}
			if _, err := svc.Get(ctx, service.Actor{}, mine.ID); code(err) != domain.CodeUnauthenticated {
				t.Fatalf("Get: %v", err)
			}
		})
	})
}
