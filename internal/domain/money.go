package domain

import (
	"errors"
	"strconv"
	"strings"
)

// Money is an exact amount in euro cents. It is never a float.
type Money int64

// MaxMoney is the largest amount the CRM accepts: one billion euros.
const MaxMoney Money = 1_000_000_000_00

// Cents returns m as a number of cents.
func (m Money) Cents() int64 { return int64(m) }

// String formats m for people as "12 500.00 €": a space between thousands, a dot before cents.
func (m Money) String() string { return m.format(" ") + " €" }

// Plain formats m as "12500.00", the form the parser accepts and CSV carries.
func (m Money) Plain() string {
	return m.format("")
}

func (m Money) format(thousands string) string {
	neg := m < 0
	v := uint64(m)
	if neg {
		v = uint64(-m)
	}
	units := strconv.FormatUint(v/100, 10)
	if thousands != "" {
		var b strings.Builder
		for i, r := range units {
			if i > 0 && (len(units)-i)%3 == 0 {
				b.WriteString(thousands)
			}
			b.WriteRune(r)
		}
		units = b.String()
	}
	cents := v % 100
	s := units + "." + string(rune('0'+cents/10)) + string(rune('0'+cents%10))
	if neg {
		s = "-" + s
	}
	return s
}

var (
	errMoneyEmpty     = errors.New("must be an amount such as 1234.56")
	errMoneyNegative  = errors.New("must not be negative")
	errMoneyMalformed = errors.New("must be digits with an optional decimal point or comma and at most 2 decimals, such as 1234.56 or 1 234,56")
	errMoneyGrouping  = errors.New("digit groups must be separated by spaces in threes, such as 1 234.56 (a comma is only a decimal separator)")
	errMoneyTooLarge  = errors.New("must be at most 1 000 000 000.00")
)

// ParseMoney reads an amount typed by a person: "1234.56", "1234,56", "1 234.56",
// "1234" and "1234.5" are accepted. Anything ambiguous ("1,234.56", "12.345") or
// malformed ("-5", "1e3", "12.") is refused with a message that says the rule.
func ParseMoney(s string) (Money, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "€"), "EUR"))
	if s == "" {
		return 0, errMoneyEmpty
	}
	if strings.HasPrefix(s, "-") {
		return 0, errMoneyNegative
	}
	intPart, frac := s, ""
	if i := strings.LastIndexAny(s, ".,"); i >= 0 {
		intPart, frac = s[:i], s[i+1:]
		if strings.ContainsAny(intPart, ".,") {
			return 0, errMoneyGrouping
		}
		if len(frac) == 0 || len(frac) > 2 || !allDigits(frac) {
			return 0, errMoneyMalformed
		}
	}
	digits, err := ungroup(intPart)
	if err != nil {
		return 0, err
	}
	if len(digits) > 10 {
		return 0, errMoneyTooLarge
	}
	units, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, errMoneyMalformed
	}
	var cents int64
	if frac != "" {
		c, _ := strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			c *= 10
		}
		cents = c
	}
	m := Money(units*100 + cents)
	if m > MaxMoney {
		return 0, errMoneyTooLarge
	}
	return m, nil
}

// ungroup removes thousands separators (spaces, no-break spaces) from the integer part,
// insisting that they split the digits in threes.
func ungroup(s string) (string, error) {
	s = strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s)
	if s == "" {
		return "", errMoneyMalformed
	}
	groups := strings.Split(s, " ")
	for i, g := range groups {
		if g == "" || !allDigits(g) {
			return "", errMoneyMalformed
		}
		if len(groups) > 1 && ((i == 0 && len(g) > 3) || (i > 0 && len(g) != 3)) {
			return "", errMoneyGrouping
		}
	}
	return strings.Join(groups, ""), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
