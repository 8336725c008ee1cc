package domain

import (
	"strings"
	"testing"
)

func TestParseMoneyAccepts(t *testing.T) {
	tests := []struct {
		in   string
		want Money
	}{
		{"1234.56", 123456},
		{"1234,56", 123456},
		{"1 234.56", 123456},
		{"1 234,56", 123456},
		{"1234", 123400},
		{"0.5", 50},
		{"0,05", 5},
		{"0", 0},
		{"12 500", 1250000},
		{"1 000 000 000.00", MaxMoney},
		{"1000000000", MaxMoney},
		{"  99.90  ", 9990},
		{"12.50 €", 1250},
		{"12.50€", 1250},
		{"12.50 EUR", 1250},
		{"1\u00a0234.56", 123456}, // a no-break space, as some keyboards and spreadsheets type it
		{"1\u202f234.56", 123456}, // a narrow no-break space, as French formatting does
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseMoney(tt.in)
			if err != nil {
				t.Fatalf("ParseMoney(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("ParseMoney(%q) = %d cents, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseMoneyRefuses(t *testing.T) {
	tests := []struct {
		name, in string
		rule     string // a word the message must say, so the user knows what to fix
	}{
		{"a comma as thousands separator", "1,234.56", "separated by spaces"},
		{"three decimals", "12.345", "at most 2 decimals"},
		{"a negative amount", "-5", "negative"},
		{"an exponent", "1e3", "digits"},
		{"nothing", "", "amount such as"},
		{"blanks", "   ", "amount such as"},
		{"a currency sign alone", "€", "amount such as"},
		{"a trailing point", "12.", "digits"},
		{"a leading point", ".5", "digits"},
		{"letters", "abc", "digits"},
		{"a badly grouped number", "1 2345", "in threes"},
		{"a short inner group", "12 34", "in threes"},
		{"a long first group", "1234 567", "in threes"},
		{"two spaces", "1  234", "digits"},
		{"two decimal points", "1.234.56", "separated by spaces"},
		{"a plus sign", "+5", "digits"},
		{"one cent over the maximum", "1 000 000 000.01", "at most 1 000 000 000.00"},
		{"eleven digits", "10000000000", "at most 1 000 000 000.00"},
		{"a huge number", strings.Repeat("9", 40), "at most 1 000 000 000.00"},
		{"other digits", "١٢٣", "digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMoney(tt.in)
			if err == nil {
				t.Fatalf("ParseMoney(%q) = %d, want an error", tt.in, got)
			}
			if !strings.Contains(err.Error(), tt.rule) {
				t.Fatalf("ParseMoney(%q) error %q does not say %q", tt.in, err, tt.rule)
			}
		})
	}
}

func TestMoneyFormats(t *testing.T) {
	tests := []struct {
		m          Money
		str, plain string
		cents      int64
	}{
		{1250000, "12 500.00 €", "12500.00", 1250000},
		{5, "0.05 €", "0.05", 5},
		{0, "0.00 €", "0.00", 0},
		{50, "0.50 €", "0.50", 50},
		{99999, "999.99 €", "999.99", 99999},
		{100000, "1 000.00 €", "1000.00", 100000},
		{MaxMoney, "1 000 000 000.00 €", "1000000000.00", 100000000000},
		{-123456, "-1 234.56 €", "-1234.56", -123456},
	}
	for _, tt := range tests {
		t.Run(tt.str, func(t *testing.T) {
			if got := tt.m.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := tt.m.Plain(); got != tt.plain {
				t.Errorf("Plain() = %q, want %q", got, tt.plain)
			}
			if got := tt.m.Cents(); got != tt.cents {
				t.Errorf("Cents() = %d, want %d", got, tt.cents)
			}
		})
	}
}

func TestMoneyRoundTripsThroughItsFormats(t *testing.T) {
	for _, m := range []Money{0, 1, 5, 10, 99, 100, 123456, 1250000, MaxMoney - 1, MaxMoney} {
		for _, s := range []string{m.Plain(), strings.TrimSuffix(m.String(), " €"), m.String()} {
			got, err := ParseMoney(s)
			if err != nil || got != m {
				t.Errorf("ParseMoney(%q) = %d, %v; want %d", s, got, err, m)
			}
		}
	}
}

// FuzzParseMoney: any input either is refused or parses to an amount within
// bounds that formats back to itself.
func FuzzParseMoney(f *testing.F) {
	for _, seed := range []string{
		"1234.56", "1234,56", "1 234.56", "1234", "0.5", "1 000 000 000.00", "1,234.56", "12.345",
		"-5", "1e3", "", "12.", "abc", "1 2345", "12.50 €", "1\u00a0234,5", "00000000001", "9999999999.99",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		if err != nil {
			return
		}
		if m < 0 || m > MaxMoney {
			t.Fatalf("ParseMoney(%q) = %d, out of [0, MaxMoney]", s, m)
		}
		back, err := ParseMoney(m.Plain())
		if err != nil || back != m {
			t.Fatalf("ParseMoney(%q) = %d, but its Plain() %q parses to %d, %v", s, m, m.Plain(), back, err)
		}
		back, err = ParseMoney(m.String())
		if err != nil || back != m {
			t.Fatalf("ParseMoney(%q) = %d, but its String() %q parses to %d, %v", s, m, m.String(), back, err)
		}
	})
}
