package app

import (
	"strings"
	"testing"

	"github.com/epic-events/crm/seeds"
)

// A password a manager set (a new collaborator's, a reset one) logs in, and
// the login says it must be changed and how; until it is, every command but
// whoami, logout and the change itself is refused (exit 5) saying the same.
func TestAPasswordSetByAManagerMustBeChangedFirst(t *testing.T) {
	const managerSet, own = "chosen by the manager 1", "my very own password"
	p := newCRM(t)
	p.loginAs(manager1)
	p.stdin = managerSet
	p.mustRun("user", "reset-password", sales2, "--password-stdin")
	p.stdin = managerSet
	p.mustRun("user", "create", "--email", "nora@epicevents.test", "--name", "Nora New", "--role", "support", "--password-stdin")
	p.stdin = ""

	for _, email := range []string{sales2, "nora@epicevents.test"} {
		res := p.freshLogin(email, managerSet)
		mustSucceed(t, res)
		if !strings.Contains(res.stdout, "choose your own now with `epicevents user password`") {
			t.Errorf("%s: the login does not say the password must be changed:\n%s", email, res.stdout)
		}
		failsWith(t, p.run("customer", "list"), ExitForbidden, "must be changed first", "epicevents user password")
		failsWith(t, p.run("event", "list", "--mine"), ExitForbidden, "must be changed first")
		p.mustRun("whoami")
	}

	p.stdin = managerSet + "\n" + own
	res := p.mustRun("user", "password", "--password-stdin")
	p.stdin = ""
	if !strings.Contains(res.stdout, "Password changed") {
		t.Errorf("user password says %q", res.stdout)
	}
	p.mustRun("customer", "list")
	mustSucceed(t, p.freshLogin(sales2, managerSet)) // the other one still must
	failsWith(t, p.run("customer", "list"), ExitForbidden, "must be changed first")
	res = p.freshLogin(manager1, seeds.DemoPassword) // and no one else
	if mustSucceed(t, res); strings.Contains(res.stdout, "user password") {
		t.Errorf("the manager is told to change their password:\n%s", res.stdout)
	}
	p.mustRun("customer", "list")
}
