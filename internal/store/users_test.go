package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
)

func TestUsers(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		t.Run("create sets id, version and the clock's times; get reads it back by id, email and number", func(t *testing.T) {
			u := domain.Collaborator{
				EmployeeNumber: "EE-0100", FullName: "Ada Lovelace", Email: "  Ada.Lovelace@EpicEvents.test ",
				PasswordHash: "hash", Role: domain.RoleManagement, Active: true,
			}
			mustNil(t, db.CreateUser(ctx, &u))
			if u.ID == 0 || u.Version != 1 || u.CreatedAt.IsZero() || !u.UpdatedAt.Equal(u.CreatedAt) {
				t.Fatalf("after create: %+v", u)
			}
			if u.Email != "ada.lovelace@epicevents.test" {
				t.Fatalf("email stored as %q, want lower-cased and trimmed", u.Email)
			}
			byID, err := db.GetUser(ctx, u.ID)
			mustNil(t, err)
			if !byID.CreatedAt.Equal(u.CreatedAt) || byID.CreatedAt.Location() != time.UTC {
				t.Fatalf("created_at read back as %v, want %v in UTC", byID.CreatedAt, u.CreatedAt)
			}
			byID.CreatedAt, byID.UpdatedAt = u.CreatedAt, u.UpdatedAt
			if byID != u {
				t.Fatalf("GetUser = %+v, want %+v", byID, u)
			}
			byEmail, err := db.GetUserByEmail(ctx, "ADA.LOVELACE@epicevents.test")
			mustNil(t, err)
			if byEmail.ID != u.ID {
				t.Fatalf("GetUserByEmail in upper case found %d, want %d", byEmail.ID, u.ID)
			}
			byNumber, err := db.GetUserByEmployeeNumber(ctx, "EE-0100")
			mustNil(t, err)
			if byNumber.ID != u.ID {
				t.Fatalf("GetUserByEmployeeNumber found %d, want %d", byNumber.ID, u.ID)
			}
		})

		t.Run("a missing user is not found, by id, email or number", func(t *testing.T) {
			_, err := db.GetUser(ctx, 999999)
			wantCode(t, err, domain.CodeNotFound)
			_, err = db.GetUserByEmail(ctx, "nobody@epicevents.test")
			wantCode(t, err, domain.CodeNotFound)
			_, err = db.GetUserByEmployeeNumber(ctx, "EE-9999")
			wantCode(t, err, domain.CodeNotFound)
		})

		t.Run("create keeps the times the caller gives", func(t *testing.T) {
			past := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
			u := domain.Collaborator{EmployeeNumber: "EE-0101", FullName: "Old Timer", Email: "old@epicevents.test",
				PasswordHash: "h", Role: domain.RoleSales, Active: true, CreatedAt: past, UpdatedAt: past}
			mustNil(t, db.CreateUser(ctx, &u))
			got, err := db.GetUser(ctx, u.ID)
			mustNil(t, err)
			if want := past.Truncate(time.Microsecond); !got.CreatedAt.Equal(want) || !got.UpdatedAt.Equal(want) {
				t.Fatalf("times = %v / %v, want %v", got.CreatedAt, got.UpdatedAt, want)
			}
		})

		t.Run("an email used in another letter case is a conflict naming email", func(t *testing.T) {
			u := domain.Collaborator{EmployeeNumber: "EE-0102", FullName: "Ada Again", Email: "ADA.lovelace@epicevents.TEST",
				PasswordHash: "h", Role: domain.RoleSales, Active: true}
			err := db.CreateUser(ctx, &u)
			wantField(t, err, domain.CodeConflict, "email")
			if msg := err.Error(); contains(msg, "ada.lovelace") {
				t.Fatalf("message %q repeats the duplicate value", msg)
			}
		})

		t.Run("a used employee number is a conflict naming employee_number", func(t *testing.T) {
			u := domain.Collaborator{EmployeeNumber: "EE-0100", FullName: "Twin", Email: "twin@epicevents.test",
				PasswordHash: "h", Role: domain.RoleSales, Active: true}
			wantField(t, db.CreateUser(ctx, &u), domain.CodeConflict, "employee_number")
		})

		t.Run("an unknown role is not found, naming role", func(t *testing.T) {
			u := domain.Collaborator{EmployeeNumber: "EE-0103", FullName: "Nobody", Email: "nobody@epicevents.test",
				PasswordHash: "h", Role: "janitor", Active: true}
			wantField(t, db.CreateUser(ctx, &u), domain.CodeNotFound, "role")
		})

		t.Run("update writes the changed fields and bumps the version; the old version is then stale", func(t *testing.T) {
			u := newUser(t, db.Repos, domain.RoleSales, "Grace Hopper")
			read := u
			u.FullName, u.Email, u.Role, u.Active = "Grace B. Hopper", "GRACE@epicevents.test", domain.RoleManagement, false
			mustNil(t, db.UpdateUser(ctx, &u))
			if u.Version != 2 || u.Email != "grace@epicevents.test" || !u.UpdatedAt.After(read.UpdatedAt) {
				t.Fatalf("after update: %+v", u)
			}
			got, err := db.GetUser(ctx, u.ID)
			mustNil(t, err)
			if got.FullName != "Grace B. Hopper" || got.Email != "grace@epicevents.test" || got.Role != domain.RoleManagement || got.Active || got.Version != 2 {
				t.Fatalf("stored: %+v", got)
			}
			read.FullName = "Lost Update"
			err = db.UpdateUser(ctx, &read)
			if err != domain.ErrStale {
				t.Fatalf("update of version 1 after version 2: %v, want domain.ErrStale", err)
			}
		})

		t.Run("an update leaves the login state to SetLoginState: failed logins since the read are kept", func(t *testing.T) {
			u := newUser(t, db.Repos, domain.RoleSales, "Guessed At")
			read := u
			until := t0.Add(15 * time.Minute)
			mustNil(t, db.SetLoginState(ctx, u.ID, 3, &until))
			u.FullName = "Renamed Meanwhile"
			mustNil(t, db.UpdateUserFrom(ctx, read, &u))
			u.FullName, u.FailedLogins, u.LockedUntil = "Renamed Again", 0, nil
			mustNil(t, db.UpdateUser(ctx, &u))
			got, err := db.GetUser(ctx, u.ID)
			mustNil(t, err)
			if got.FullName != "Renamed Again" || got.Version != 3 || got.FailedLogins != 3 || got.LockedUntil == nil || !got.LockedUntil.Equal(until) {
				t.Fatalf("stored: %+v", got)
			}
		})

		t.Run("update of a deleted user is not found, not stale", func(t *testing.T) {
			u := newUser(t, db.Repos, domain.RoleSupport, "Gone Soon")
			mustNil(t, db.DeleteUser(ctx, u.ID))
			wantCode(t, db.UpdateUser(ctx, &u), domain.CodeNotFound)
		})

		t.Run("update to another's email is a conflict naming email", func(t *testing.T) {
			a := newUser(t, db.Repos, domain.RoleSales, "Alan Turing")
			b := newUser(t, db.Repos, domain.RoleSales, "Alonzo Church")
			b.Email = strings.ToUpper(a.Email)
			wantField(t, db.UpdateUser(ctx, &b), domain.CodeConflict, "email")
		})

		t.Run("login state changes neither version nor updated_at", func(t *testing.T) {
			u := newUser(t, db.Repos, domain.RoleSales, "Locked Out")
			until := t0.Add(15 * time.Minute)
			mustNil(t, db.SetLoginState(ctx, u.ID, 5, &until))
			got, err := db.GetUser(ctx, u.ID)
			mustNil(t, err)
			if got.FailedLogins != 5 || got.LockedUntil == nil || !got.LockedUntil.Equal(until) || got.Version != u.Version || !got.UpdatedAt.Equal(u.UpdatedAt) {
				t.Fatalf("after SetLoginState: %+v", got)
			}
			mustNil(t, db.SetLoginState(ctx, u.ID, 0, nil))
			got, err = db.GetUser(ctx, u.ID)
			mustNil(t, err)
			if got.FailedLogins != 0 || got.LockedUntil != nil {
				t.Fatalf("after reset: %+v", got)
			}
			wantCode(t, db.SetLoginState(ctx, 999999, 1, nil), domain.CodeNotFound)
		})

		t.Run("deleting a missing user is not found", func(t *testing.T) {
			wantCode(t, db.DeleteUser(ctx, 999999), domain.CodeNotFound)
		})

		t.Run("deleting a user who owns a customer is refused, naming customers", func(t *testing.T) {
			sales := newUser(t, db.Repos, domain.RoleSales, "Owner Of Things")
			newCustomer(t, db.Repos, sales, "Kept Customer", "Kept Inc")
			err := db.DeleteUser(ctx, sales.ID)
			de := wantCode(t, err, domain.CodeConflict)
			if !contains(de.Message, "customers") {
				t.Fatalf("message %q does not say what still refers to the user", de.Message)
			}
			if _, err := db.GetUser(ctx, sales.ID); err != nil {
				t.Fatalf("user gone after a refused delete: %v", err)
			}
		})

		t.Run("holdings list the customers owned and the events supported", func(t *testing.T) {
			sales := newUser(t, db.Repos, domain.RoleSales, "Holder Sales")
			support := newUser(t, db.Repos, domain.RoleSupport, "Holder Support")
			c1 := newCustomer(t, db.Repos, sales, "Zed Customer", "")
			c2 := newCustomer(t, db.Repos, sales, "Abe Customer", "")
			k := newContract(t, db.Repos, c1, 1000, 1000, domain.ContractSigned)
			e := newEvent(t, db.Repos, k, &support, "Holder Gala", t0.Add(48*time.Hour), 3)

			h, err := db.UserHoldings(ctx, sales.ID)
			mustNil(t, err)
			want := []domain.Ref{{ID: c2.ID, Name: "Abe Customer"}, {ID: c1.ID, Name: "Zed Customer"}}
			if !slices.Equal(h.Customers, want) || len(h.Events) != 0 {
				t.Fatalf("sales holdings = %+v, want customers %+v", h, want)
			}
			h, err = db.UserHoldings(ctx, support.ID)
			mustNil(t, err)
			if !slices.Equal(h.Events, []domain.Ref{{ID: e.ID, Name: "Holder Gala"}}) || len(h.Customers) != 0 {
				t.Fatalf("support holdings = %+v", h)
			}
			err = db.DeleteUser(ctx, support.ID)
			de := wantCode(t, err, domain.CodeConflict)
			if !contains(de.Message, "events") {
				t.Fatalf("message %q does not name events", de.Message)
			}
			h, err = db.UserHoldings(ctx, 999999)
			mustNil(t, err)
			if !h.Empty() {
				t.Fatalf("holdings of nobody = %+v", h)
			}
		})

		t.Run("deleting a user ends their sessions", func(t *testing.T) {
			u := newUser(t, db.Repos, domain.RoleSupport, "Short Stay")
			mustNil(t, db.CreateSession(ctx, domain.Session{ID: "jti-short-stay", UserID: u.ID, ExpiresAt: t0.Add(time.Hour)}))
			mustNil(t, db.DeleteUser(ctx, u.ID))
			_, err := db.GetSession(ctx, "jti-short-stay")
			wantCode(t, err, domain.CodeNotFound)
		})
	})
}

func TestNextEmployeeNumber(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		got, err := db.NextEmployeeNumber(ctx)
		mustNil(t, err)
		if got != "EE-0001" {
			t.Fatalf("first number = %q, want EE-0001", got)
		}
		for _, n := range []string{"EE-0009", "EE-0042", "EE-0007"} {
			u := domain.Collaborator{EmployeeNumber: n, FullName: n, Email: n + "@epicevents.test", PasswordHash: "h", Role: domain.RoleSales, Active: true}
			mustNil(t, db.CreateUser(ctx, &u))
		}
		got, err = db.NextEmployeeNumber(ctx)
		mustNil(t, err)
		if got != "EE-0043" {
			t.Fatalf("after EE-0042: %q, want EE-0043", got)
		}
		u := domain.Collaborator{EmployeeNumber: "EE-10000", FullName: "Big", Email: "big@epicevents.test", PasswordHash: "h", Role: domain.RoleSales, Active: true}
		mustNil(t, db.CreateUser(ctx, &u))
		got, err = db.NextEmployeeNumber(ctx)
		mustNil(t, err)
		if got != "EE-10001" {
			t.Fatalf("after EE-10000 (longer, so larger than EE-9999): %q, want EE-10001", got)
		}
	})
}

func TestListUsers(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		mk := func(name string, role domain.Role, active bool) domain.Collaborator {
			u := newUser(t, db.Repos, role, name)
			if !active {
				u.Active = false
				mustNil(t, db.UpdateUser(ctx, &u))
			}
			return u
		}
		bob := mk("bob Sales", domain.RoleSales, true)
		ann := mk("Ann Sales", domain.RoleSales, true)
		cid := mk("Cid Support", domain.RoleSupport, true)
		dee := mk("Dee Manager", domain.RoleManagement, false)
		ann2 := mk("Ann Sales", domain.RoleSupport, true) // same name: the id breaks the tie

		ids := func(f domain.UserFilter) []domain.ID {
			l, err := db.ListUsers(ctx, f)
			mustNil(t, err)
			var out []domain.ID
			for _, u := range l.Items {
				out = append(out, u.ID)
			}
			return out
		}
		tests := []struct {
			name string
			f    domain.UserFilter
			want []domain.ID
		}{
			{"active users by name case-insensitively, then id", domain.UserFilter{}, []domain.ID{ann.ID, ann2.ID, bob.ID, cid.ID}},
			{"one role", domain.UserFilter{Role: domain.RoleSales}, []domain.ID{ann.ID, bob.ID}},
			{"inactive included", domain.UserFilter{IncludeInactive: true}, []domain.ID{ann.ID, ann2.ID, bob.ID, cid.ID, dee.ID}},
			{"only inactive", domain.UserFilter{OnlyInactive: true}, []domain.ID{dee.ID}},
			{"search in the name, any case", domain.UserFilter{Search: "SUPPORT"}, []domain.ID{cid.ID}},
			{"search in the email", domain.UserFilter{Search: "bob.sales."}, []domain.ID{bob.ID}},
			{"search in the employee number", domain.UserFilter{Search: cid.EmployeeNumber}, []domain.ID{cid.ID}},
			{"a search with no match", domain.UserFilter{Search: "zzz"}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := ids(tt.f); !slices.Equal(got, tt.want) {
					t.Fatalf("ids = %v, want %v", got, tt.want)
				}
			})
		}
		t.Run("pages continue from the cursor without gaps or repeats", func(t *testing.T) {
			for size := 1; size <= 5; size++ {
				got := allPages(t, size, func(p domain.Page) (domain.List[domain.Collaborator], error) {
					return db.ListUsers(ctx, domain.UserFilter{IncludeInactive: true, Page: p})
				}, func(u domain.Collaborator) domain.ID { return u.ID })
				if want := []domain.ID{ann.ID, ann2.ID, bob.ID, cid.ID, dee.ID}; !slices.Equal(got, want) {
					t.Fatalf("size %d: ids = %v, want %v", size, got, want)
				}
			}
		})
		t.Run("a cursor of another list is refused", func(t *testing.T) {
			l, err := db.ListCustomers(ctx, domain.CustomerFilter{Page: domain.Page{Limit: 1}})
			mustNil(t, err)
			_ = l
			_, err = db.ListUsers(ctx, domain.UserFilter{Page: domain.Page{After: "bm90LWEtY3Vyc29y"}})
			wantField(t, err, domain.CodeInvalid, "page")
		})
	})
}
