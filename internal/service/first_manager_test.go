package service_test

import (
	"context"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/store/storetest"
)

func TestTheFirstManagerIsCreatedOnlyInAnEmptyDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seedGrants(t, ctx, db)
		hasher, _ := cheapHasher(t)
		rec := &recorder{}
		users := service.NewUsers(service.Deps{Store: txStore{db}, Reporter: rec}, hasher)
		in := service.NewUser{FullName: "Claire Marchand", Email: "Claire@Example.com", Role: domain.RoleSales, Password: "a long first password"}

		t.Run("bad input names the field and creates nothing", func(t *testing.T) {
			bad := in
			bad.Password = "short"
			_, err := users.CreateFirstManager(ctx, bad)
			if domain.ErrorCode(err) != domain.CodeInvalid || domain.ErrorMessage(err) == "" {
				t.Fatalf("error = %v, want invalid naming password", err)
			}
			if empty, _ := db.Empty(ctx); !empty {
				t.Fatal("a refused first manager left a collaborator behind")
			}
		})

		t.Run("an empty database gets a manager, whatever role was asked", func(t *testing.T) {
			u, err := users.CreateFirstManager(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if u.Role != domain.RoleManagement || u.Email != "claire@example.com" || !u.Active || u.EmployeeNumber == "" {
				t.Fatalf("created %+v, want an active manager with a lower-cased email and a number", u)
			}
			if u.PasswordHash != "" {
				t.Fatal("the created collaborator was returned with its hash")
			}
			entries, err := db.ListAudit(ctx, domain.AuditFilter{Entity: "user"})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries.Items) != 1 || entries.Items[0].Action != "user.create" || entries.Items[0].ActorID != nil {
				t.Fatalf("audit = %+v, want one user.create by the system", entries.Items)
			}
		})

		t.Run("a second one is refused once anyone exists", func(t *testing.T) {
			again := in
			again.Email = "someone.else@example.com"
			_, err := users.CreateFirstManager(ctx, again)
			if domain.ErrorCode(err) != domain.CodeConflict {
				t.Fatalf("error = %v, want a conflict", err)
			}
			list, err := db.ListUsers(ctx, domain.UserFilter{IncludeInactive: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(list.Items) != 1 {
				t.Fatalf("%d collaborators, want the first manager only", len(list.Items))
			}
		})
	})
}
