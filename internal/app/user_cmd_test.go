package app

import (
	"strings"
	"testing"

	"github.com/epic-events/crm/seeds"
)

func TestUserListAndShow(t *testing.T) {
	p := newCRM(t)
	p.loginAs(sales1)
	t.Run("--role narrows the list, as JSON without any secret", func(t *testing.T) {
		res := p.mustRun("user", "list", "--role", "sales", "--json")
		if strings.Contains(res.stdout, "hash") || strings.Contains(res.stdout, "argon2") {
			t.Errorf("user list --json shows a password hash:\n%s", res.stdout)
		}
		var got []userRecord
		p.mustJSON(&got, "user", "list", "--role", "sales", "--json")
		if len(got) != 3 {
			t.Errorf("%d sales collaborators, want 3", len(got))
		}
		for _, u := range got {
			if u.Role != "sales" || !u.Active {
				t.Errorf("--role sales lists %+v", u)
			}
		}
	})
	t.Run("as CSV", func(t *testing.T) {
		header, rows := p.mustCSV("user", "list", "--csv")
		if len(rows) != 7 || header[1] != "employee_number" {
			t.Errorf("header %v, %d rows", header, len(rows))
		}
	})
	t.Run("show by email or id", func(t *testing.T) {
		var byEmail, byID userRecord
		p.mustJSON(&byEmail, "user", "show", strings.ToUpper(support1), "--json")
		p.mustJSON(&byID, "user", "show", itoa(byEmail.ID), "--json")
		if byEmail.FullName != "Julien Moreau" || byID != byEmail {
			t.Errorf("by email %+v, by id %+v", byEmail, byID)
		}
		res := p.mustRun("user", "show", support1)
		if !strings.Contains(res.stdout, "EE-0006") || !strings.Contains(res.stdout, "support") {
			t.Errorf("user show:\n%s", res.stdout)
		}
	})
}

func TestUserCreate(t *testing.T) {
	p := newCRM(t)
	p.loginAs(manager1)
	t.Run("without --password-stdin a temporary password is printed once and works", func(t *testing.T) {
		var u createdUser
		p.mustJSON(&u, "user", "create", "--email", "Zoe.Martin@epicevents.test", "--name", "Zoé Martin", "--role", "support", "--json")
		if u.Email != "zoe.martin@epicevents.test" || u.EmployeeNumber != "EE-0008" || !u.Active || len(u.TemporaryPassword) < 12 {
			t.Fatalf("user create --json: %+v", u)
		}
		res := p.freshLogin(u.Email, u.TemporaryPassword)
		mustSucceed(t, res)
		if !strings.Contains(res.stdout, "Zoé Martin (support)") {
			t.Errorf("login with the temporary password: %q", res.stdout)
		}
	})
	t.Run("with --password-stdin the password given is set and not printed", func(t *testing.T) {
		p.loginAs(manager1)
		p.stdin = "a-long-enough-password\n"
		res := p.mustRun("user", "create", "--email", "max@epicevents.test", "--name", "Max", "--role", "sales", "--employee-number", "EE-0100", "--password-stdin")
		if !strings.Contains(res.stdout, "EE-0100") || strings.Contains(res.stdout, "password") {
			t.Errorf("user create says:\n%s", res.stdout)
		}
		mustSucceed(t, p.freshLogin("max@epicevents.test", "a-long-enough-password"))
	})
	t.Run("a password under the policy is refused, naming it", func(t *testing.T) {
		p.loginAs(manager1)
		p.stdin = "short"
		failsWith(t, p.run("user", "create", "--email", "s@epicevents.test", "--name", "S", "--role", "sales", "--password-stdin"), ExitUsage, "password")
	})
	t.Run("an email already used is a conflict", func(t *testing.T) {
		failsWith(t, p.run("user", "create", "--email", sales1, "--name", "S", "--role", "sales"), ExitConflict, "email")
	})
}

func TestUserUpdate(t *testing.T) {
	p := newCRM(t)
	p.loginAs(manager1)
	var u userRecord
	p.mustJSON(&u, "user", "update", support2, "--name", "Sofia Lambert-Roy", "--json")
	if u.FullName != "Sofia Lambert-Roy" || u.Email != support2 {
		t.Errorf("update --json: %+v", u)
	}
	t.Run("a role change is refused while they support events", func(t *testing.T) {
		failsWith(t, p.run("user", "update", support2, "--role", "sales"), ExitConflict, "reassign")
	})
	t.Run("an empty value is refused rather than ignored", func(t *testing.T) {
		failsWith(t, p.run("user", "update", support2, "--name", ""), ExitUsage, "name")
	})
	t.Run("without a field to change it is a usage error", func(t *testing.T) {
		failsWith(t, p.run("user", "update", support2), ExitUsage, "nothing to change")
	})
}

func TestUserDeactivateReactivateDelete(t *testing.T) {
	p := newCRM(t)
	p.loginAs(manager1)
	t.Run("deactivate without a terminal and without --yes changes nothing", func(t *testing.T) {
		before := p.snapshot()
		failsWith(t, p.run("user", "deactivate", support2), ExitUsage, "--yes")
		if p.snapshot() != before {
			t.Error("a refused deactivate changed the database")
		}
	})
	t.Run("a deactivated collaborator cannot log in, until reactivated", func(t *testing.T) {
		var u userRecord
		p.mustJSON(&u, "user", "deactivate", support2, "--yes", "--json")
		if u.Active {
			t.Fatalf("after deactivate: %+v", u)
		}
		var inactive []userRecord
		p.mustJSON(&inactive, "user", "list", "--inactive", "--json")
		if len(inactive) != 1 || inactive[0].Email != support2 {
			t.Errorf("user list --inactive: %+v", inactive)
		}
		failsWith(t, p.freshLogin(support2, seeds.DemoPassword), ExitUnauthenticated)
		p.loginAs(manager1)
		p.mustRun("user", "reactivate", support2)
		mustSucceed(t, p.freshLogin(support2, seeds.DemoPassword))
	})
	t.Run("on a terminal delete asks first", func(t *testing.T) {
		p.loginAs(manager1)
		p.stdin = "x-long-enough-password"
		p.mustRun("user", "create", "--email", "temp@epicevents.test", "--name", "Temp", "--role", "support", "--password-stdin")
		p.terminal, p.stdin = true, "no\n"
		res := p.run("user", "delete", "temp@epicevents.test")
		if res.code != ExitUsage || !strings.Contains(res.stderr, "Delete Temp (temp@epicevents.test, EE-0008) for good? [y/N]") {
			t.Fatalf("exit %d, stderr:\n%s", res.code, res.stderr)
		}
		p.stdin = "y\n"
		res = p.mustRun("user", "delete", "temp@epicevents.test")
		p.terminal = false
		if !strings.Contains(res.stdout, "Deleted Temp") {
			t.Errorf("delete says %q", res.stdout)
		}
		failsWith(t, p.run("user", "show", "temp@epicevents.test"), ExitNotFound)
	})
	t.Run("one who still looks after customers is not deleted, and the refusal lists them", func(t *testing.T) {
		failsWith(t, p.run("user", "delete", sales1, "--yes"), ExitConflict, "Kevin Casey")
	})
}

func TestUserPassword(t *testing.T) {
	p := newCRM(t)
	p.loginAs(sales2)
	t.Run("two lines on stdin: the current password, then the new one", func(t *testing.T) {
		p.stdin = seeds.DemoPassword + "\nmy-brand-new-password\n"
		res := p.mustRun("user", "password", "--password-stdin")
		if !strings.Contains(res.stdout, "Password changed") {
			t.Errorf("user password says %q", res.stdout)
		}
		p.mustRun("whoami") // this session goes on
		mustSucceed(t, p.freshLogin(sales2, "my-brand-new-password"))
	})
	t.Run("a wrong current password is refused, naming it", func(t *testing.T) {
		p.stdin = "not-my-password\nanother-new-password\n"
		failsWith(t, p.run("user", "password", "--password-stdin"), ExitUsage, "current_password")
	})
	t.Run("one line is not enough", func(t *testing.T) {
		p.stdin = "my-brand-new-password\n"
		failsWith(t, p.run("user", "password", "--password-stdin"), ExitUsage, "two lines")
	})
	t.Run("on a terminal it asks for the current one and the new one twice", func(t *testing.T) {
		p.terminal = true
		defer func() { p.terminal = false }()
		p.stdin = "my-brand-new-password\nthird-password-here\nthird-password-here\n"
		res := p.mustRun("user", "password")
		for _, prompt := range []string{"Current password: ", "New password: ", "New password again: "} {
			if !strings.Contains(res.stderr, prompt) {
				t.Errorf("no %q prompt:\n%s", prompt, res.stderr)
			}
		}
		p.stdin = "third-password-here\nfourth-password-x\nfourth-password-y\n"
		res = p.run("user", "password")
		if res.code != ExitUsage || !strings.Contains(res.stderr, "the two entries differ") {
			t.Errorf("new passwords that differ: exit %d, stderr:\n%s", res.code, res.stderr)
		}
	})
	t.Run("without a terminal and without --password-stdin it is a usage error", func(t *testing.T) {
		failsWith(t, p.run("user", "password"), ExitUsage, "--password-stdin")
	})
}

func TestUserResetPassword(t *testing.T) {
	p := newCRM(t)
	p.loginAs(manager1)
	var u createdUser
	p.mustJSON(&u, "user", "reset-password", sales3, "--json")
	if u.Email != sales3 || len(u.TemporaryPassword) < 12 {
		t.Fatalf("reset-password --json: %+v", u)
	}
	failsWith(t, p.freshLogin(sales3, seeds.DemoPassword), ExitUnauthenticated)
	mustSucceed(t, p.freshLogin(sales3, u.TemporaryPassword))
}

const sales3 = "sales3@epicevents.test"
