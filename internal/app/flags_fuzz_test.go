package app

import (
	"strings"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
)

// The parsers of what is typed on the command line: record ids, times, and
// dates. Whatever they are given they must not panic; a refusal is an invalid
// *domain.Error naming the flag; what they accept is what a person meant.

// fieldRefusal fails t unless err is an invalid-input error on field.
func fieldRefusal(t *testing.T, err error, field, input string) {
	t.Helper()
	if domain.ErrorCode(err) != domain.CodeInvalid || !strings.Contains(domain.ErrorMessage(err), field+":") {
		t.Fatalf("refusing %q gave %v, want a field error on %s", input, err, field)
	}
}

func FuzzParseID(f *testing.F) {
	for _, s := range []string{"12", " 12 ", "0", "-1", "+7", "0012", "9223372036854775807", "9223372036854775808",
		"1e3", "0x10", "12abc", "", "١٢", "'; DROP TABLE users; --", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := parseID("id", s)
		if err != nil {
			fieldRefusal(t, err, "id", s)
			return
		}
		if id <= 0 {
			t.Fatalf("parseID(%q) = %d: not a record id", s, id)
		}
		if again, err := parseID("id", itoa(id)); err != nil || again != id {
			t.Fatalf("parseID(%q) = %d, but its decimal form gives %d, %v", s, id, again, err)
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-12-01 14:00", "2026-12-01T14:00", "2026-12-01 14:00:05", "2026-12-01T14:00:00+01:00",
		"2026-12-01T14:00:00Z", "2026-03-29 02:30", "2026-02-30 10:00", "0001-01-01 00:00", "9999-12-31T23:59:59+14:00",
		"2026-12-01", "14:00", "", "tomorrow", "2026-12-01 25:00", "2026-12-01T14:00:00+99:00", "\x00"} {
		f.Add(s)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, parse := range []struct {
			name string
			fn   func(string, string, *time.Location) (time.Time, error)
		}{{"parseTime", parseTime}, {"parseSince", parseSince}} {
			got, err := parse.fn("start", s, paris)
			if err != nil {
				fieldRefusal(t, err, "start", s)
				continue
			}
			if got.Location() != time.UTC {
				t.Fatalf("%s(%q) = %s, not in UTC", parse.name, s, got)
			}
			// What was accepted reads back the same through the unambiguous form.
			back, err := parseTime("start", got.Format(time.RFC3339Nano), paris)
			if err == nil && !back.Equal(got) {
				t.Fatalf("%s(%q) = %s, which reads back as %s", parse.name, s, got, back)
			}
		}
	})
}
