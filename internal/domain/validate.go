package domain

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The validators below serve both the prompts (inline feedback on each keystroke,
// so they stay cheap) and the services (the real check). Each returns an error
// whose message states the rule; the caller names the field.

// Field length limits, in characters.
const (
	MaxNameLen     = 100
	MaxCompanyLen  = 100
	MaxLocationLen = 200
	MaxNotesLen    = 2000
	MaxEmailLen    = 254
	MaxAttendees   = 100_000
	MinPasswordLen = 12
	MaxPasswordLen = 128
)

// NormalizeEmail trims and lower-cases an email: the form stored and looked up.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateEmail accepts a bare address such as name@example.com (no display name).
func ValidateEmail(s string) error {
	s = NormalizeEmail(s)
	if s == "" {
		return errors.New("is required")
	}
	if len(s) > MaxEmailLen {
		return fmt.Errorf("must be at most %d characters", MaxEmailLen)
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return errors.New("must be an address such as name@example.com")
	}
	return nil
}

// ValidatePhone accepts digits with spaces, '+', '-', '.', and parentheses; 6 to 20 digits.
func ValidatePhone(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return errors.New("is required")
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '+' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return errors.New("may hold only digits, spaces, +, -, . and parentheses")
		}
	}
	if digits < 6 || digits > 20 {
		return errors.New("must have 6 to 20 digits")
	}
	return nil
}

// ValidateName accepts 1 to 100 printable characters (a person's, an event's name).
func ValidateName(s string) error { return validateText(s, 1, MaxNameLen, false) }

// ValidateCompany accepts 0 to 100 printable characters.
func ValidateCompany(s string) error { return validateText(s, 0, MaxCompanyLen, false) }

// ValidateLocation accepts 1 to 200 printable characters.
func ValidateLocation(s string) error { return validateText(s, 1, MaxLocationLen, false) }

// ValidateNotes accepts up to 2 000 characters; line breaks and tabs are allowed.
func ValidateNotes(s string) error { return validateText(s, 0, MaxNotesLen, true) }

func validateText(s string, minLen, maxLen int, multiline bool) error {
	if !utf8.ValidString(s) {
		return errors.New("must be valid UTF-8 text")
	}
	trimmed := strings.TrimSpace(s)
	n := utf8.RuneCountInString(trimmed)
	if minLen > 0 && n == 0 {
		return errors.New("is required")
	}
	if n > maxLen {
		return fmt.Errorf("must be at most %d characters", maxLen)
	}
	for _, r := range trimmed {
		if multiline && (r == '\n' || r == '\t' || r == '\r') {
			continue
		}
		// Bidi_Control is every direction-changing mark (U+061C, U+200E/F, U+202A-E,
		// U+2066-9); U+2028/9 break a line as surely as '\n' does.
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || (!multiline && (r == '\u2028' || r == '\u2029')) {
			return errors.New("must not contain control or direction-changing characters")
		}
	}
	return nil
}

// ValidateAttendees accepts 0 to 100 000.
func ValidateAttendees(n int) error {
	if n < 0 || n > MaxAttendees {
		return fmt.Errorf("must be between 0 and %d", MaxAttendees)
	}
	return nil
}

// ValidateAmount accepts 0 to MaxMoney.
func ValidateAmount(m Money) error {
	if m < 0 || m > MaxMoney {
		return errMoneyRange
	}
	return nil
}

var errMoneyRange = fmt.Errorf("must be between 0.00 and %s", MaxMoney)

// The instants an event or a payment may have: a mistyped year ("0026" for
// "2026", "20266") is refused rather than stored as a date nobody meant.
var (
	minDate = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(2100, time.January, 1, 0, 0, 0, 0, time.UTC)
)

// ValidateDate accepts an instant from 2000-01-01 up to the end of 2099 (UTC).
func ValidateDate(t time.Time) error {
	if t.Before(minDate) || !t.Before(maxDate) {
		return errors.New("must be between 2000-01-01 and 2099-12-31")
	}
	return nil
}

// ValidatePeriod requires end after start, both set.
func ValidatePeriod(start, end time.Time) error {
	if start.IsZero() || end.IsZero() {
		return errors.New("start and end are required")
	}
	if !end.After(start) {
		return errors.New("must be after the start")
	}
	return nil
}

// ValidatePassword applies the password policy: 12 to 128 characters, not the email.
func ValidatePassword(password, email string) error {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLen || n > MaxPasswordLen {
		return fmt.Errorf("must be %d to %d characters", MinPasswordLen, MaxPasswordLen)
	}
	if email != "" && strings.EqualFold(strings.TrimSpace(password), NormalizeEmail(email)) {
		return errors.New("must not be your email address")
	}
	return nil
}

// ValidateEmployeeNumber accepts "EE-" followed by 4 to 8 digits.
func ValidateEmployeeNumber(s string) error {
	if len(s) < 7 || len(s) > 11 || !strings.HasPrefix(s, "EE-") || !allDigits(s[3:]) {
		return errors.New("must look like EE-0042")
	}
	return nil
}
