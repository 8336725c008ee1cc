package domain

// Fuzz targets for every validator the prompts and the services share. Each
// states what an accepted value is guaranteed to be, so that a fuzzer finds
// not only panics but also a value the rule lets through by mistake. Seeds
// are below and in testdata/fuzz; `make fuzz` runs each target for a while.

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// hostileSeeds start every text fuzzer: the corpus of the hostile-input tests.
var hostileSeeds = []string{
	"", " ", " \t\u00a0 ", "Zoé Martin", "Zoé\x00Martin", "\x1b[31mred", "abc\b\a", "invoice\u202etxt.exe",
	"\u200fMartin", "a\u2067b\u2069c", "a\u061cb", "caf\xe9", "two\nlines", "Fête 🎉 👩🏽‍💻", "'; DROP TABLE users; --",
	"%s%n%x%d", "<script>alert(1)</script>", "=HYPERLINK(\"x\")", `100% _x_ C:\`, "line\u2028sep", "\ufeffbom",
	strings.Repeat("a", 101), strings.Repeat("é", 100),
}

func FuzzValidateEmail(f *testing.F) {
	for _, s := range append(hostileSeeds, "name@example.com", " Name@Example.COM ", "o'reilly+x@example.com",
		"Zoé <zoe@example.com>", `"a b"@example.com`, "a@b", "a@b.c", "a@@b.c", "a@b.c\r\nBcc: x@y.z", strings.Repeat("z", 250)+"@e.co") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidateEmail(s) != nil {
			return
		}
		n := NormalizeEmail(s)
		at := strings.LastIndexByte(n, '@')
		switch {
		case !utf8.ValidString(n):
			t.Fatalf("accepted %q: not UTF-8", s)
		case len(n) > MaxEmailLen:
			t.Fatalf("accepted %q: %d bytes", s, len(n))
		case at <= 0 || !strings.Contains(n[at+1:], "."):
			t.Fatalf("accepted %q: no local part, or no dot in the domain", s)
		case strings.IndexFunc(n, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0:
			t.Fatalf("accepted %q: holds a space or a control character", s)
		case strings.ContainsAny(n, "<>\"\\"):
			t.Fatalf("accepted %q: a display name or quoted form", s)
		case ValidateEmail(n) != nil:
			t.Fatalf("accepted %q but not its stored form %q", s, n)
		}
	})
}

func FuzzValidatePhone(f *testing.F) {
	for _, s := range append(hostileSeeds, "+33 6 12 34 56 78", "(555) 010-9999", "12345", "123456", strings.Repeat("1", 21), "٠١٢٣٤٥٦٧", "+33.6.12") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidatePhone(s) != nil {
			return
		}
		digits := 0
		for _, r := range strings.TrimSpace(s) {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case strings.ContainsRune(" +-.()", r):
			default:
				t.Fatalf("accepted %q: holds %q", s, r)
			}
		}
		if digits < 6 || digits > 20 {
			t.Fatalf("accepted %q: %d digits", s, digits)
		}
	})
}

// FuzzValidateText checks every free-text rule at once: names, companies,
// locations and notes. What is stored is the trimmed value: it must be valid
// UTF-8, within the length, and free of control and direction-changing
// characters (notes may break lines).
func FuzzValidateText(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s)
	}
	rules := []struct {
		name      string
		validate  func(string) error
		min, max  int
		multiline bool
	}{
		{"name", ValidateName, 1, MaxNameLen, false},
		{"company", ValidateCompany, 0, MaxCompanyLen, false},
		{"location", ValidateLocation, 1, MaxLocationLen, false},
		{"notes", ValidateNotes, 0, MaxNotesLen, true},
	}
	f.Fuzz(func(t *testing.T, s string) {
		stored := strings.TrimSpace(s)
		for _, rule := range rules {
			if rule.validate(s) != nil {
				continue
			}
			n := utf8.RuneCountInString(stored)
			if !utf8.ValidString(s) {
				t.Fatalf("%s accepted %q: not UTF-8", rule.name, s)
			}
			if n < rule.min || n > rule.max {
				t.Fatalf("%s accepted %q: %d characters, want %d to %d", rule.name, s, n, rule.min, rule.max)
			}
			for _, r := range stored {
				lineBreak := r == '\n' || r == '\r' || r == '\t'
				if rule.multiline && lineBreak {
					continue
				}
				if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || (!rule.multiline && (r == '\u2028' || r == '\u2029')) {
					t.Fatalf("%s accepted %q: holds %U", rule.name, s, r)
				}
			}
		}
	})
}

func FuzzValidateEmployeeNumber(f *testing.F) {
	for _, s := range []string{"EE-0042", "EE-12345678", "EE-123", "EE-123456789", "ee-0042", "EE-٠٠٤٢", "EE-00\x0042", "EE-+123", "EE--123", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidateEmployeeNumber(s) != nil {
			return
		}
		if !strings.HasPrefix(s, "EE-") || len(s) < 7 || len(s) > 11 || strings.Trim(s[3:], "0123456789") != "" {
			t.Fatalf("accepted %q", s)
		}
	})
}

func FuzzValidatePassword(f *testing.F) {
	f.Add("correct horse battery staple", "zoe@example.com")
	f.Add("zoe@example.com", "ZOE@example.com ")
	f.Add("short", "")
	f.Add(strings.Repeat("é", 128), "a@b.c")
	f.Add(strings.Repeat("é", 129), "a@b.c")
	f.Add("\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", "")
	f.Fuzz(func(t *testing.T, password, email string) {
		if ValidatePassword(password, email) != nil {
			return
		}
		if n := utf8.RuneCountInString(password); n < MinPasswordLen || n > MaxPasswordLen {
			t.Fatalf("accepted a password of %d characters", n)
		}
		if email != "" && strings.EqualFold(strings.TrimSpace(password), NormalizeEmail(email)) {
			t.Fatalf("accepted the email %q as its own password", email)
		}
	})
}
