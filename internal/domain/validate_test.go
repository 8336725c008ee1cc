package domain

import (
	"strings"
	"testing"
	"time"
)

// runValidator runs one validator over good and bad inputs; a bad input's error must say its rule.
type validCase struct {
	name string
	in   string
	rule string // "" for a good input
}

func runValidator(t *testing.T, validate func(string) error, cases []validCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			err := validate(tt.in)
			switch {
			case tt.rule == "" && err != nil:
				t.Fatalf("refused %q: %v", tt.in, err)
			case tt.rule != "" && err == nil:
				t.Fatalf("accepted %q", tt.in)
			case tt.rule != "" && !strings.Contains(err.Error(), tt.rule):
				t.Fatalf("error %q for %q does not say %q", err, tt.in, tt.rule)
			}
		})
	}
}

func TestValidateEmail(t *testing.T) {
	const form = "an address such as name@example.com"
	runValidator(t, ValidateEmail, []validCase{
		{"a plain address", "ann@example.com", ""},
		{"dots, plus and digits", "ann.o.neil+crm2@mail.example.co.uk", ""},
		{"upper case and blanks, normalised before the check", "  Ann@Example.COM ", ""},
		{"the longest allowed", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 61), ""},
		{"empty", "", "is required"},
		{"blanks", "   ", "is required"},
		{"too long", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 62), "at most 254"},
		{"a display name with angle brackets", "Ann <ann@example.com>", form},
		{"a quoted display name", `"Ann Example" <ann@example.com>`, form},
		{"angle brackets alone", "<ann@example.com>", form},
		{"a comment", "ann@example.com (Ann)", form},
		{"a quoted local part", `"ann"@example.com`, form},
		{"two addresses", "ann@example.com, bob@example.com", form},
		{"no at sign", "ann.example.com", form},
		{"no domain", "ann@", form},
		{"no local part", "@example.com", form},
		{"a domain without a dot", "ann@localhost", form},
		{"a space inside", "ann smith@example.com", form},
	})
}

func TestNormalizeEmail(t *testing.T) {
	if got := NormalizeEmail("  Ann.Smith@Example.COM\t"); got != "ann.smith@example.com" {
		t.Fatalf("NormalizeEmail = %q", got)
	}
}

func TestValidatePhone(t *testing.T) {
	runValidator(t, ValidatePhone, []validCase{
		{"international with spaces", "+33 6 12 34 56 78", ""},
		{"parentheses and a dash", "(555) 123-4567", ""},
		{"dotted pairs", "01.23.45.67.89", ""},
		{"six digits, the fewest", "123456", ""},
		{"twenty digits, the most", strings.Repeat("1", 20), ""},
		{"blanks around", "  0612345678  ", ""},
		{"empty", "", "is required"},
		{"five digits", "12345", "6 to 20 digits"},
		{"twenty-one digits", strings.Repeat("1", 21), "6 to 20 digits"},
		{"separators only", "+() -.", "6 to 20 digits"},
		{"a letter", "06 12 34 56 7A", "only digits"},
		{"an extension word", "0612345678 ext 12", "only digits"},
		{"a slash", "06/12/34/56/78", "only digits"},
	})
}

func TestValidateName(t *testing.T) {
	runValidator(t, ValidateName, []validCase{
		{"a plain name", "Kevin Casey", ""},
		{"a hyphen and an accent, kept as typed", "Jean-Pierre Lefèvre", ""},
		{"one character", "A", ""},
		{"100 characters", strings.Repeat("a", 100), ""},
		{"100 accented characters (counted as characters, not bytes)", strings.Repeat("é", 100), ""},
		{"blanks around do not count", "  " + strings.Repeat("a", 100) + "  ", ""},
		{"empty", "", "is required"},
		{"blanks", "   ", "is required"},
		{"101 characters", strings.Repeat("a", 101), "at most 100"},
		{"a line break", "Ann\nExample", "control"},
		{"a NUL", "Ann\x00", "control"},
		{"an escape sequence", "Ann\x1b[31m", "control"},
		{"a right-to-left override", "Ann\u202eelpmaxE", "direction"},
		{"a directional isolate", "Ann\u2066x", "direction"},
		{"invalid UTF-8", "Ann\xff", "UTF-8"},
	})
}

func TestValidateCompany(t *testing.T) {
	runValidator(t, ValidateCompany, []validCase{
		{"empty is allowed", "", ""},
		{"a company", "Cool Startup LLC", ""},
		{"100 characters", strings.Repeat("c", 100), ""},
		{"101 characters", strings.Repeat("c", 101), "at most 100"},
		{"a tab", "Cool\tStartup", "control"},
	})
}

func TestValidateLocation(t *testing.T) {
	runValidator(t, ValidateLocation, []validCase{
		{"an address", "53 Rue du Château, 41120 Candé-sur-Beuvron, France", ""},
		{"200 characters", strings.Repeat("l", 200), ""},
		{"empty", "", "is required"},
		{"201 characters", strings.Repeat("l", 201), "at most 200"},
		{"a line break", "53 Rue\ndu Château", "control"},
	})
}

func TestValidateNotes(t *testing.T) {
	runValidator(t, ValidateNotes, []validCase{
		{"empty is allowed", "", ""},
		{"line breaks and tabs are allowed", "Wedding.\r\n\tDJ at 8pm.\nCake at 10pm.", ""},
		{"2000 characters", strings.Repeat("n", 2000), ""},
		{"2001 characters", strings.Repeat("n", 2001), "at most 2000"},
		{"a NUL", "note\x00", "control"},
		{"a bell", "note\a", "control"},
		{"a direction override", "note\u202d", "direction"},
	})
}

func TestValidateAttendees(t *testing.T) {
	tests := []struct {
		n    int
		good bool
	}{{0, true}, {1, true}, {75, true}, {100_000, true}, {-1, false}, {100_001, false}}
	for _, tt := range tests {
		err := ValidateAttendees(tt.n)
		if (err == nil) != tt.good {
			t.Errorf("ValidateAttendees(%d) = %v, want good=%v", tt.n, err, tt.good)
		}
		if err != nil && !strings.Contains(err.Error(), "between 0 and 100000") {
			t.Errorf("ValidateAttendees(%d) error %q does not say the range", tt.n, err)
		}
	}
}

func TestValidateAmount(t *testing.T) {
	tests := []struct {
		m    Money
		good bool
	}{{0, true}, {1, true}, {MaxMoney, true}, {-1, false}, {MaxMoney + 1, false}}
	for _, tt := range tests {
		err := ValidateAmount(tt.m)
		if (err == nil) != tt.good {
			t.Errorf("ValidateAmount(%d) = %v, want good=%v", tt.m, err, tt.good)
		}
		if err != nil && !strings.Contains(err.Error(), "between 0.00 and 1 000 000 000.00") {
			t.Errorf("ValidateAmount(%d) error %q does not say the range", tt.m, err)
		}
	}
}

func TestValidatePeriod(t *testing.T) {
	start := time.Date(2026, 6, 4, 13, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		start, end time.Time
		rule       string
	}{
		{"end after start", start, start.Add(4 * time.Hour), ""},
		{"a one-second event", start, start.Add(time.Second), ""},
		{"across time zones, compared as instants", start, start.Add(time.Hour).In(time.FixedZone("UTC-5", -5*3600)), ""},
		{"end equal to start", start, start, "after the start"},
		{"end before start", start, start.Add(-time.Hour), "after the start"},
		{"no start", time.Time{}, start, "are required"},
		{"no end", start, time.Time{}, "are required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePeriod(tt.start, tt.end)
			if tt.rule == "" && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if tt.rule != "" && (err == nil || !strings.Contains(err.Error(), tt.rule)) {
				t.Fatalf("error = %v, want one saying %q", err, tt.rule)
			}
		})
	}
}

func TestValidatePassword(t *testing.T) {
	const email = "sales1@epicevents.test"
	tests := []struct {
		name, password, email, rule string
	}{
		{"the demo password", "epicevents-demo", email, ""},
		{"12 characters, the fewest", strings.Repeat("p", 12), email, ""},
		{"128 characters, the most", strings.Repeat("p", 128), email, ""},
		{"12 accented characters (counted as characters)", strings.Repeat("é", 12), email, ""},
		{"a passphrase with spaces", "correct horse battery staple", email, ""},
		{"no email to compare with", "epicevents-demo", "", ""},
		{"11 characters", strings.Repeat("p", 11), email, "12 to 128 characters"},
		{"empty", "", email, "12 to 128 characters"},
		{"129 characters", strings.Repeat("p", 129), email, "12 to 128 characters"},
		{"the email itself", email, email, "not be your email"},
		{"the email in other letter case", "Sales1@EpicEvents.test", email, "not be your email"},
		{"the email with blanks around", " " + email + " ", " " + email, "not be your email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePassword(tt.password, tt.email)
			if tt.rule == "" && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if tt.rule != "" && (err == nil || !strings.Contains(err.Error(), tt.rule)) {
				t.Fatalf("error = %v, want one saying %q", err, tt.rule)
			}
			if err != nil && strings.Contains(err.Error(), tt.password) && tt.password != "" {
				t.Fatal("the error quotes the password")
			}
		})
	}
}

func TestValidateEmployeeNumber(t *testing.T) {
	const rule = "must look like EE-0042"
	runValidator(t, ValidateEmployeeNumber, []validCase{
		{"four digits", "EE-0042", ""},
		{"eight digits", "EE-12345678", ""},
		{"three digits", "EE-042", rule},
		{"nine digits", "EE-123456789", rule},
		{"lower case", "ee-0042", rule},
		{"no dash", "EE0042", rule},
		{"another prefix", "EX-0042", rule},
		{"a letter among the digits", "EE-00A2", rule},
		{"a sign", "EE-+042", rule},
		{"blanks around", " EE-0042", rule},
		{"empty", "", rule},
	})
}
