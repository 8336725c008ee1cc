package service_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/store/storetest"
	"github.com/epic-events/crm/seeds"
)

// managerSet is a password a manager chose for someone else.
const managerSet = "chosen by the manager 1"

// wantChangeFirst checks that err refuses an action until the password is
// changed, and says how: forbidden, naming the command.
func wantChangeFirst(t *testing.T, what string, err error) {
	t.Helper()
	if code(err) != domain.CodeForbidden || !strings.Contains(domain.ErrorMessage(err), "epicevents user password") {
		t.Errorf("%s: %v, want forbidden until the password is changed, saying how", what, err)
	}
}

// A password a manager chose (a new collaborator's, a reset one) must be
// replaced by its owner before anything else: the services refuse every
// other action meanwhile, with one error that says how, whatever the grants.
func TestAPasswordSetByAManagerMustBeChangedFirst(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		a, users, customers, audit := w.auth(t), service.NewUsers(w.Deps(), w.Hasher), w.customers(), service.NewAudit(w.Deps())
		manager := w.actor(w.Manager)
		own := w.addCustomer(t, w.SalesA, "Flag Customer")

		t.Run("creating a collaborator sets it, and only then", func(t *testing.T) {
			created, err := users.Create(ctx, manager, service.NewUser{
				FullName: "Nora New", Email: "nora.new@staff.example.com", Role: domain.RoleSupport, Password: managerSet,
			})
			if err != nil {
				t.Fatal(err)
			}
			if !created.MustChangePassword || !w.user(t, created.ID).MustChangePassword {
				t.Error("a collaborator created by a manager need not change the password")
			}
			if w.user(t, w.SalesB.ID).MustChangePassword {
				t.Error("a collaborator created before is flagged")
			}
		})

		t.Run("a reset collaborator can do nothing but change it", func(t *testing.T) {
			if err := users.ResetPassword(ctx, manager, w.SalesA.ID, managerSet); err != nil {
				t.Fatal(err)
			}
			if !w.user(t, w.SalesA.ID).MustChangePassword {
				t.Fatal("the reset did not set it")
			}
			token, sales, err := a.Login(ctx, w.SalesA.Email, managerSet)
			if err != nil {
				t.Fatalf("the reset password does not log in: %v", err)
			}
			if !sales.MustChangePassword {
				t.Error("the login does not say the password must be changed")
			}
			if sales, err = a.Authenticate(ctx, token); err != nil || !sales.MustChangePassword {
				t.Fatalf("the session check: %+v, %v; want the flag read with the collaborator", sales.Collaborator, err)
			}
			_, err = customers.List(ctx, sales, domain.CustomerFilter{})
			wantChangeFirst(t, "list customers", err)
			_, err = customers.Get(ctx, sales, own.ID)
			wantChangeFirst(t, "read their own customer", err)
			_, err = customers.Update(ctx, sales, own.ID, own.Version, service.CustomerPatch{Phone: ptr("+33 6 00 00 00 01")})
			wantChangeFirst(t, "update their own customer", err)
			_, err = users.Get(ctx, sales, sales.ID)
			wantChangeFirst(t, "read a collaborator", err)
			if got := service.NewPermissions().Actions(sales); !slices.Equal(got, []domain.Permission{domain.PermPasswordChange}) {
				t.Errorf("the menus would offer %v, want the password change only", got)
			}
			if err := a.ChangePassword(ctx, sales, managerSet, "my very own password"); err != nil {
				t.Fatalf("changing it: %v", err)
			}
			if w.user(t, w.SalesA.ID).MustChangePassword {
				t.Error("changing it did not clear it")
			}
			if sales, err = a.Authenticate(ctx, token); err != nil || sales.MustChangePassword {
				t.Fatalf("after the change: %+v, %v", sales.Collaborator, err)
			}
			if _, err := customers.List(ctx, sales, domain.CustomerFilter{}); err != nil {
				t.Errorf("after the change, list customers: %v", err)
			}
		})

		t.Run("a reset manager is held the same, another manager is not", func(t *testing.T) {
			second := w.addUser(t, domain.RoleManagement, "Second Manager")
			if err := users.ResetPassword(ctx, manager, second.ID, managerSet); err != nil {
				t.Fatal(err)
			}
			_, held, err := a.Login(ctx, second.Email, managerSet)
			if err != nil {
				t.Fatal(err)
			}
			_, err = audit.List(ctx, held, domain.AuditFilter{})
			wantChangeFirst(t, "read the audit log", err)
			err = users.ResetPassword(ctx, held, w.SalesB.ID, managerSet)
			wantChangeFirst(t, "reset a password", err)

			_, manager := w.login(t, a, w.Manager)
			if _, err := audit.List(ctx, manager, domain.AuditFilter{}); err != nil {
				t.Errorf("the other manager reads the audit log: %v", err)
			}
			if _, err := customers.List(ctx, manager, domain.CustomerFilter{}); err != nil {
				t.Errorf("the other manager lists customers: %v", err)
			}
			if _, err := users.Update(ctx, manager, w.SupportA.ID, service.UserChanges{FullName: "Aline Renamed", Version: w.user(t, w.SupportA.ID).Version}); err != nil {
				t.Errorf("the other manager updates a collaborator: %v", err)
			}
		})

		t.Run("management sees who must change it; the others do not", func(t *testing.T) {
			staff := w.addUser(t, domain.RoleSales, "Reset Later")
			if err := users.ResetPassword(ctx, manager, staff.ID, managerSet); err != nil {
				t.Fatal(err)
			}
			if u, err := users.Get(ctx, manager, staff.ID); err != nil || !u.MustChangePassword {
				t.Errorf("management reads %+v, %v: want the flag", u, err)
			}
			if u, err := users.Get(ctx, w.actor(w.SupportB), staff.ID); err != nil || u.MustChangePassword {
				t.Errorf("support reads %+v, %v: want no login state", u, err)
			}
		})
	})
}

// The first manager chose their own password, and the demo accounts share a
// published one for convenience: none of them is asked to change it.
func TestThePasswordsNoManagerChoseNeedNoChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seedGrants(t, ctx, db)
		hasher, _ := cheapHasher(t)
		first, err := service.NewUsers(service.Deps{Store: txStore{db}}, hasher).CreateFirstManager(ctx,
			service.NewUser{FullName: "First Manager", Email: "first@example.com", Password: "a long first password"})
		if err != nil {
			t.Fatal(err)
		}
		if first.MustChangePassword {
			t.Error("the first manager must change the password they chose")
		}
		if err := db.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.Tx(ctx, func(r *store.Repos) error { return seeds.Demo(ctx, r, hasher.Hash, t0) }); err != nil {
			t.Fatal(err)
		}
		staff, err := db.ListUsers(ctx, domain.UserFilter{IncludeInactive: true, Page: domain.Page{Limit: domain.MaxPageSize}})
		if err != nil || len(staff.Items) == 0 {
			t.Fatalf("the demo staff: %v, %v", staff.Items, err)
		}
		for _, u := range staff.Items {
			if u.MustChangePassword {
				t.Errorf("demo account %s must change its password", u.Email)
			}
		}
	})
}
