package ui

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFitInput(t *testing.T) {
	mark := func(under []rune) []rune {
		if len(under) == 0 {
			return []rune("_")
		}
		return []rune("[" + string(under) + "]")
	}
	long := []rune("abcdefghijklmnopqrstuvwxyz")
	tests := []struct {
		name  string
		input []rune
		pos   int
		avail int
		want  string
	}{
		{"a short text is shown whole", []rune("Ada"), 3, 20, "Ada_"},
		{"the cursor can sit on a character", []rune("Ada"), 0, 20, "[A]da"},
		{"a long text shows its end with the cursor at the end", long, 26, 10, "…tuvwxyz_"},
		{"a long text shows its start with the cursor at the start", long, 0, 10, "[a]bcdefgh…"},
		{"a long text scrolls around the cursor", long, 13, 10, "…jklm[n]opq…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fitInput(tt.input, tt.pos, tt.avail, mark)
			if got != tt.want {
				t.Fatalf("fitInput = %q, want %q", got, tt.want)
			}
			// The marks stand for one column (reverse video around a character).
			cols := utf8.RuneCountInString(strings.NewReplacer("[", "", "]", "").Replace(got))
			if cols > tt.avail {
				t.Fatalf("%q takes %d columns, more than %d", got, cols, tt.avail)
			}
		})
	}
}
