package report

import (
	"net/http"
	"testing"

	"github.com/getsentry/sentry-go"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text is kept", "save contract 12: context canceled", "save contract 12: context canceled"},
		{"an email address", "no user ann.o'neil@example.com here; Bob.Smith+crm@sub.example.co.uk too",
			"no user ann.o'[email] here; [email] too"},
		{"an email without a dot in its domain", "login root@localhost failed", "login [email] failed"},
		{"a duplicate-key value, email or not", "Error 1062 (23000): Duplicate entry 'ann@example.com' for key 'users.email'",
			"Error 1062 (23000): Duplicate entry '[redacted]' for key 'users.email'"},
		{"a duplicate-key value with an escaped quote", `Duplicate entry 'o\'neil' for key 'customers.full_name'`,
			`Duplicate entry '[redacted]' for key 'customers.full_name'`},
		{"a key detail", "Key (email)=(ann@example.com) already exists", "Key (email)=([redacted]) already exists"},
		{"an international phone number", "call +33 6 12 34 56 78 now", "call [phone] now"},
		{"a phone with an area code in parentheses", "call (555) 123-4567 now", "call [phone] now"},
		{"a phone of dotted pairs", "tel 01.23.45.67.89", "tel [phone]"},
		{"a phone of bare digits", "tel 0612345678", "tel [phone]"},
		{"a short + number", "tel +123456", "tel [phone]"},
		{"a small id is kept", "customer 123456 not found", "customer 123456 not found"},
		{"an amount is kept", "total 12500.00 and 1 000 000 000.00", "total 12500.00 and 1 000 000 000.00"},
		{"a date and time are kept", "at 2026-11-03 09:30:00 +0000 UTC and 2026-11-03T09:30:00Z",
			"at 2026-11-03 09:30:00 +0000 UTC and 2026-11-03T09:30:00Z"},
		{"an argon2id hash", "hash $argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5 stored",
			"hash [hash] stored"},
		{"a bcrypt hash", "was $2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", "was [hash]"},
		{"a JWT", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl rejected", "token [token] rejected"},
		{"a bearer credential", "Authorization header Bearer abc.def-ghi", "Authorization header Bearer [token]"},
		{"password=value", "login with password=hunter2hunter2 failed", "login with password=[redacted] failed"},
		{"PASSWORD = 'quoted value'", "PASSWORD = 'two words'", "PASSWORD = [redacted]"},
		{"a JSON secret", `{"password": "hunter2 hunter2", "name":"Ann"}`, `{"password": "[redacted]", "name":"Ann"}`},
		{"a struct printed with %+v", "{ID:7 PasswordHash:abc123 Role:sales}", "{ID:7 PasswordHash:[redacted] Role:sales}"},
		{"JWT_SECRET in the environment", "JWT_SECRET=0123456789abcdef", "JWT_SECRET=[redacted]"},
		{"a field rule is left readable", "password: must be 12 to 128 characters", "password: must be 12 to 128 characters"},
		{"a DSN with credentials", "dial https://public:private@o0.ingest.sentry.io/1", "dial https://[redacted]@o0.ingest.sentry.io/1"},
		{"a MySQL DSN", "open epic:s3cret@tcp(127.0.0.1:3306)/epic", "open [redacted]@tcp(127.0.0.1:3306)/epic"},
		{"an IPv4 address is kept", "dial tcp 192.168.100.200:3306: refused", "dial tcp 192.168.100.200:3306: refused"},
		{"five dotted pairs are a phone", "tel 1.23.45.67.89", "tel [phone]"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redact(tt.in); got != tt.want {
				t.Fatalf("redact(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSensitiveKey(t *testing.T) {
	for key, want := range map[string]bool{
		"password": true, "new_password": true, "PasswordHash": true, "hash": true, "X-Auth-Token": true,
		"token": true, "JWT_SECRET": true, "jwt": true, "Authorization": true, "SENTRY_DSN": true,
		"cookie": true, "api_key": true,
		"role": false, "user_id": false, "event": false, "email": false, "contract_id": false, "fields": false,
	} {
		if got := sensitiveKey(key); got != want {
			t.Errorf("sensitiveKey(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestScrubEvent(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "https://crm.example.com/login?token=abc", nil)
	event := &sentry.Event{
		ServerName: "ann-laptop.local",
		Message:    "login failed for ann@example.com",
		User: sentry.User{
			ID: "7", Email: "ann@example.com", IPAddress: "192.0.2.1", Username: "ann", Name: "Ann Example",
			Data: map[string]string{"phone": "+33 6 12 34 56 78"},
		},
		Request:     sentry.NewRequest(req),
		Exception:   []sentry.Exception{{Type: "*errors.errorString", Value: "Duplicate entry 'ann@example.com' for key 'users.email'"}},
		Tags:        map[string]string{"role": "sales", "password": "hunter2hunter2", "customer_phone": "+33 6 12 34 56 78", "Auth-Token": "x"},
		Fingerprint: []string{"business-event", "user.create"},
		Contexts: map[string]sentry.Context{
			"runtime": {"name": "go", "version": "go1.26.8"},
			"trace":   {"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"},
			"secrets": {"anything": "at all"},
			"change": {
				"email":         "ann@example.com",
				"password_hash": "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$a2V5",
				"nested":        map[string]any{"token": "eyJabc", "note": "call 0612345678"},
				"list":          []any{"ann@example.com", 42, true},
				"who":           struct{ PasswordHash string }{"x"},
			},
		},
		Breadcrumbs: []*sentry.Breadcrumb{
			{Message: "prompt email ann@example.com", Data: map[string]any{"jwt": "eyJabc", "step": "login"}},
			nil,
		},
	}

	got := Scrub(event, nil)

	if got.ServerName != "" {
		t.Errorf("server name = %q, want it dropped", got.ServerName)
	}
	if u := got.User; u.ID != "7" || u.Email != "" || u.IPAddress != "" || u.Username != "" || u.Name != "" || u.Data != nil {
		t.Errorf("user = %+v, want the id only", got.User)
	}
	if got.Request != nil {
		t.Errorf("request = %+v, want it dropped", got.Request)
	}
	if got.Message != "login failed for [email]" {
		t.Errorf("message = %q", got.Message)
	}
	if v := got.Exception[0].Value; v != "Duplicate entry '[redacted]' for key 'users.email'" {
		t.Errorf("exception value = %q", v)
	}
	wantTags := map[string]string{"role": "sales", "customer_phone": "[phone]"}
	if len(got.Tags) != len(wantTags) || got.Tags["role"] != "sales" || got.Tags["customer_phone"] != "[phone]" {
		t.Errorf("tags = %v, want %v", got.Tags, wantTags)
	}
	if got.Contexts["trace"]["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" || got.Contexts["runtime"]["version"] != "go1.26.8" {
		t.Errorf("the SDK's own contexts were altered: %v", got.Contexts)
	}
	if _, ok := got.Contexts["secrets"]; ok {
		t.Error("a context named like a secret was kept")
	}
	change := got.Contexts["change"]
	if change["email"] != "[email]" {
		t.Errorf("change.email = %v", change["email"])
	}
	if _, ok := change["password_hash"]; ok {
		t.Error("change.password_hash was kept")
	}
	nested := change["nested"].(map[string]any)
	if _, ok := nested["token"]; ok || nested["note"] != "call [phone]" {
		t.Errorf("change.nested = %v", nested)
	}
	if list := change["list"].([]any); list[0] != "[email]" || list[1] != 42 || list[2] != true {
		t.Errorf("change.list = %v", list)
	}
	if change["who"] != "[removed]" {
		t.Errorf("change.who = %v, want a value of unknown type removed", change["who"])
	}
	if len(got.Breadcrumbs) != 1 {
		t.Fatalf("breadcrumbs = %v, want the nil one dropped", got.Breadcrumbs)
	}
	if b := got.Breadcrumbs[0]; b.Message != "prompt email [email]" || b.Data["step"] != "login" || b.Data["jwt"] != nil {
		t.Errorf("breadcrumb = %+v", b)
	}
	if got.Fingerprint[1] != "user.create" {
		t.Errorf("fingerprint = %v", got.Fingerprint)
	}
}

func TestScrubNil(t *testing.T) {
	if Scrub(nil, nil) != nil {
		t.Fatal("Scrub(nil) is not nil")
	}
}
