package app

import "testing"

// A noun alone is a usage error (exit 2) that names its commands, in the
// order its help gives them.
func TestANounAloneNamesItsCommands(t *testing.T) {
	tests := []struct{ noun, message string }{
		{"customer", "epicevents: customer needs a command: list, show, create, update or reassign"},
		{"client", "epicevents: customer needs a command: list, show, create, update or reassign"},
		{"contract", "epicevents: contract needs a command: list, show, create, update, pay, sign or cancel"},
		{"event", "epicevents: event needs a command: list, show, create, update or assign"},
		{"user", "epicevents: user needs a command: list, show, create, update, deactivate, reactivate, delete, password or reset-password"},
		{"audit", "epicevents: audit needs a command: list"},
	}
	for _, tt := range tests {
		t.Run(tt.noun, func(t *testing.T) {
			res := newProgram(t).run(tt.noun)
			failsWith(t, res, ExitUsage)
			if got := oneErrorLine(t, res.stderr); got != tt.message {
				t.Errorf("epicevents %s says %q, want %q", tt.noun, got, tt.message)
			}
		})
	}
}
