package store

import "testing"

func TestDriverLinesGoToDriverLog(t *testing.T) {
	var got []string
	driverLogger(func(line string) { got = append(got, line) }).Print("[mysql] ", "unexpected EOF\n")
	if len(got) != 1 || got[0] != "[mysql] unexpected EOF" {
		t.Fatalf("DriverLog got %q, want the driver's one line", got)
	}
	// Without DriverLog the lines are dropped, never printed to stderr.
	driverLogger(nil).Print("dropped")
}
