package store_test

import (
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
)

// A collaborator's "must change the password" flag is stored, read back by
// every read of a collaborator, written by an update with the version check,
// and survives its migration rolled back and applied again, which leaves the
// collaborators already there unflagged.
func TestMustChangePasswordRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		flagged := domain.Collaborator{EmployeeNumber: "EE-0300", FullName: "Fay Flagged", Email: "fay@epicevents.test",
			PasswordHash: "h", Role: domain.RoleSales, Active: true, MustChangePassword: true}
		mustNil(t, db.CreateUser(ctx, &flagged))
		plain := newUser(t, db.Repos, domain.RoleSales, "Pat Plain")

		t.Run("every read carries it", func(t *testing.T) {
			reads := map[string]func(domain.Collaborator) (domain.Collaborator, error){
				"by id":      func(u domain.Collaborator) (domain.Collaborator, error) { return db.GetUser(ctx, u.ID) },
				"for update": func(u domain.Collaborator) (domain.Collaborator, error) { return db.GetUserForUpdate(ctx, u.ID) },
				"by email":   func(u domain.Collaborator) (domain.Collaborator, error) { return db.GetUserByEmail(ctx, u.Email) },
				"by the number": func(u domain.Collaborator) (domain.Collaborator, error) {
					return db.GetUserByEmployeeNumber(ctx, u.EmployeeNumber)
				},
			}
			for name, read := range reads {
				for _, u := range []domain.Collaborator{flagged, plain} {
					got, err := read(u)
					mustNil(t, err)
					if got.MustChangePassword != u.MustChangePassword {
						t.Errorf("%s %s: flag %v, want %v", name, u.FullName, got.MustChangePassword, u.MustChangePassword)
					}
				}
			}
			l, err := db.ListUsers(ctx, domain.UserFilter{Role: domain.RoleSales, Page: domain.Page{Limit: 10}})
			mustNil(t, err)
			for _, u := range l.Items {
				if u.MustChangePassword != (u.ID == flagged.ID) {
					t.Errorf("listed %s with flag %v", u.FullName, u.MustChangePassword)
				}
			}
		})

		t.Run("an update writes it", func(t *testing.T) {
			was := flagged
			next := was
			next.MustChangePassword = false
			mustNil(t, db.UpdateUserFrom(ctx, was, &next))
			got, err := db.GetUser(ctx, flagged.ID)
			mustNil(t, err)
			if got.MustChangePassword || got.Version != was.Version+1 {
				t.Errorf("after clearing: flag %v, version %d (want false, %d)", got.MustChangePassword, got.Version, was.Version+1)
			}
			was, next = got, got
			next.MustChangePassword = true
			mustNil(t, db.UpdateUserFrom(ctx, was, &next))
			if got, err = db.GetUser(ctx, flagged.ID); err != nil || !got.MustChangePassword {
				t.Errorf("after setting again: %+v, %v", got, err)
			}
		})

		t.Run("its migration rolls back and applies again, flagging no one", func(t *testing.T) {
			mustNil(t, db.UndoLastMigration(ctx))
			if _, err := db.GetUser(ctx, flagged.ID); err == nil {
				t.Fatal("the collaborators are still read with the column rolled back: is the last migration this one?")
			}
			mustNil(t, db.Migrate(ctx))
			for _, u := range []domain.Collaborator{flagged, plain} {
				got, err := db.GetUser(ctx, u.ID)
				mustNil(t, err)
				if got.MustChangePassword || got.Email != u.Email {
					t.Errorf("%s after the migration: flag %v, email %q", u.FullName, got.MustChangePassword, got.Email)
				}
			}
		})
	})
}
