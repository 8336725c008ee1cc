package domain

import "testing"

// Found by FuzzValidateText: direction-changing and line-breaking characters
// that the first list of forbidden characters missed.
func TestTextRefusesEveryDirectionMarkAndLineSeparator(t *testing.T) {
	tests := []struct {
		name     string
		s        string
		singleOK bool // ValidateName
		notesOK  bool // ValidateNotes
	}{
		{"an Arabic letter mark (U+061C)", "Samir\u061c Haddad", false, false},
		{"a left-to-right mark (U+200E)", "Samir\u200e Haddad", false, false},
		{"a first-strong isolate (U+2068)", "Samir\u2068 Haddad", false, false},
		{"a line separator (U+2028)", "first\u2028second", false, true},
		{"a paragraph separator (U+2029)", "first\u2029second", false, true},
		{"Arabic text itself", "سمير حداد", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := ValidateName(tt.s); (err == nil) != tt.singleOK {
				t.Errorf("ValidateName(%q) = %v, want ok=%t", tt.s, err, tt.singleOK)
			}
			if err := ValidateNotes(tt.s); (err == nil) != tt.notesOK {
				t.Errorf("ValidateNotes(%q) = %v, want ok=%t", tt.s, err, tt.notesOK)
			}
		})
	}
}
