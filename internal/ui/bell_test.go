package ui

import (
	"bytes"
	"testing"
)

func TestBellFilter(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"drops the bell", "a\ab\a", "ab"},
		{"passes everything else", "\x1b[?25hhello", "\x1b[?25hhello"},
		{"a lone bell writes nothing", "\a", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			f := newBellFilter(&buf)
			n, err := f.Write([]byte(tt.in))
			if err != nil || n != len(tt.in) {
				t.Fatalf("Write = %d, %v; want %d, nil (the whole input is consumed)", n, err, len(tt.in))
			}
			if buf.String() != tt.want {
				t.Fatalf("wrote %q, want %q", buf.String(), tt.want)
			}
		})
	}
	t.Run("close does not close the terminal", func(t *testing.T) {
		term := &closeRecorder{}
		f := newBellFilter(term)
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if term.closed {
			t.Fatal("closing the filter closed the terminal: the next prompt would have no output")
		}
	})
}

type closeRecorder struct {
	bytes.Buffer
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }
