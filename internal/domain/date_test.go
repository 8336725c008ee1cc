package domain

import (
	"testing"
	"time"
)

func TestValidateDate(t *testing.T) {
	tests := []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"the first instant of 2000", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"a day of 2026", time.Date(2026, 5, 4, 18, 30, 0, 0, time.UTC), true},
		{"the last second of 2099", time.Date(2099, 12, 31, 23, 59, 59, 0, time.UTC), true},
		{"year 1 (a mistyped year)", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"the last second of 1999", time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC), false},
		{"the first instant of 2100", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"year 9999", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), false},
		{"the zero time", time.Time{}, false},
		{"2100 in Paris is still 2099 in UTC", time.Date(2100, 1, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateDate(tt.at)
			if (err == nil) != tt.ok {
				t.Fatalf("ValidateDate(%s) = %v, want ok=%t", tt.at, err, tt.ok)
			}
			if err != nil && err.Error() != "must be between 2000-01-01 and 2099-12-31" {
				t.Fatalf("message %q does not state the rule", err)
			}
		})
	}
}
