package ui

import (
	"slices"
	"testing"
)

func TestHangWrapsMessagesUnderTheirText(t *testing.T) {
	tests := []struct {
		name  string
		line  string
		width int
		want  []string
	}{
		{"a line that fits is kept, spacing included", "  sales:      a, b", 20, []string{"  sales:      a, b"}},
		{"continuation lines start under the text after the mark",
			"  ! 2 contracts unsigned: #2 Kevin Casey, #6 Nadia Haddad", 30,
			[]string{"  ! 2 contracts unsigned: #2", "    Kevin Casey, #6 Nadia", "    Haddad"}},
		{"an amount is never split", "✗ Due: 12 500.00 €, paid 1 000.00 €", 20,
			[]string{"✗ Due: 12 500.00 €,", "  paid 1 000.00 €"}},
		{"the line's own spacing is kept where it is not broken", "  sales:      one@example.com two@example.com", 32,
			[]string{"  sales:      one@example.com", "  two@example.com"}},
		{"a word longer than a line is cut", "✗ " + "x23456789012345", 10, []string{"✗ x234567…"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hang(tt.line, tt.width); !slices.Equal(got, tt.want) {
				t.Errorf("hang(%q, %d) =\n%q\nwant\n%q", tt.line, tt.width, got, tt.want)
			}
		})
	}
}
