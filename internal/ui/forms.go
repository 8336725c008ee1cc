package ui

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/epic-events/crm/internal/domain"
)

// field is one question of a form. Its value is the default shown (the
// current value, on an update) and then what the user typed.
type field struct {
	key     string             // the service's name for it, as in domain.Error's Fields
	label   string             // what the prompt says: "Email"
	value   string             // the default, then the answer
	check   func(string) error // the inline rule; nil accepts anything
	secret  bool               // masked, never shown again
	choices []string           // a Select among these instead of a text
	with    string             // asked again whenever the field of this key is (a repeated password)
}

// ask asks the fields in order, only those named in only when it is not nil.
func (s *session) ask(fields []*field, only map[string]bool) error {
	for _, f := range fields {
		if only != nil && !only[f.key] {
			continue
		}
		var err error
		switch {
		case f.choices != nil:
			var i int
			i, err = s.p.Select(f.label, f.choices, WithCursor(max(0, slices.Index(f.choices, f.value))), WithoutSearch())
			if err == nil {
				f.value = f.choices[i]
			}
		case f.secret:
			f.value, err = s.p.Password(f.label, f.check)
		default:
			f.value, err = s.p.Input(f.label, f.value, f.check)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// fill asks the form, then submits it. When the service refuses fields of
// the form, it says which and why, asks those fields again (the answers as
// defaults) and submits again, until it is accepted or refused for another
// reason, which it returns. Ctrl+C at any question abandons the form.
func (s *session) fill(fields []*field, submit func() error) error {
	var only map[string]bool
	for {
		if err := s.ask(fields, only); err != nil {
			return err
		}
		err := submit()
		if err == nil {
			return nil
		}
		if only = s.fieldTrouble(err, fields); only == nil {
			return err
		}
	}
}

// fieldTrouble shows the field errors of err when at least one of them is a
// field of the form, and returns the fields to ask again; otherwise it shows
// nothing and returns nil.
func (s *session) fieldTrouble(err error, fields []*field) map[string]bool {
	var de *domain.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return nil
	}
	byKey := map[string]*field{}
	for _, f := range fields {
		byKey[f.key] = f
	}
	again := map[string]bool{}
	for key := range de.Fields {
		if _, ok := byKey[key]; ok {
			again[key] = true
		}
	}
	if len(again) == 0 {
		return nil
	}
	fixable := len(again)
	for _, f := range fields {
		if f.with != "" && again[f.with] {
			again[f.key] = true
		}
	}
	keys := make([]string, 0, len(de.Fields))
	for key := range de.Fields {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		label := strings.ReplaceAll(key, "_", " ")
		if f, ok := byKey[key]; ok {
			label = f.label
		}
		s.say("✗ %s %s", label, de.Fields[key])
	}
	s.say("Correct the field%s above (Ctrl+C to give up).", plural(fixable))
	return again
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// values returns the form's answers by key.
func values(fields []*field) map[string]string {
	out := make(map[string]string, len(fields))
	for _, f := range fields {
		out[f.key] = f.value
	}
	return out
}

// check turns a domain validator into an inline rule whose message names the field.
func check(label string, validate func(string) error) func(string) error {
	return func(v string) error {
		if err := validate(v); err != nil {
			return fmt.Errorf("%s %w", label, err)
		}
		return nil
	}
}

// required refuses an empty answer.
func required(label string) func(string) error {
	return func(v string) error {
		if v == "" {
			return fmt.Errorf("%s is required", label)
		}
		return nil
	}
}

// moneyRule accepts an amount as people type it ("1 234,56"), within limits.
func moneyRule(label string, atLeast, atMost domain.Money) func(string) error {
	return func(v string) error {
		_, err := parseAmount(v, atLeast, atMost)
		if err != nil {
			return fmt.Errorf("%s %w", label, err)
		}
		return nil
	}
}

func parseAmount(v string, atLeast, atMost domain.Money) (domain.Money, error) {
	m, err := domain.ParseMoney(v)
	if err != nil {
		return 0, err
	}
	if err := domain.ValidateAmount(m); err != nil {
		return 0, err
	}
	if m < atLeast {
		return 0, fmt.Errorf("must be at least %s", atLeast)
	}
	if m > atMost {
		return 0, fmt.Errorf("must be at most %s", atMost)
	}
	return m, nil
}

// countRule accepts a whole number that validate accepts.
func countRule(label string, validate func(int) error) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%s must be a whole number such as 120", label)
		}
		if err := validate(n); err != nil {
			return fmt.Errorf("%s %w", label, err)
		}
		return nil
	}
}

// timeLayouts are the forms a date and time may be typed in, in local time.
var timeLayouts = []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02"}

// errTimeForm is the rule of every date input.
var errTimeForm = errors.New("must be a date and time such as 2026-12-01 14:00 (your time), or a date such as 2026-12-01")

// parseTime reads a date and time typed in the terminal's time zone.
func (d Display) parseTime(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, v, d.loc()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errTimeForm
}

// timeRule accepts a date and time, which also passes more (nil: anything).
func (d Display) timeRule(label string, more func(time.Time) error) func(string) error {
	return func(v string) error {
		t, err := d.parseTime(v)
		if err == nil && more != nil {
			err = more(t)
		}
		if err != nil {
			return fmt.Errorf("%s %w", label, err)
		}
		return nil
	}
}
