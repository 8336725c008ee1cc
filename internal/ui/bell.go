package ui

import (
	"bytes"
	"io"
	"sync"
)

// bellFilter passes output through without the terminal bell: readline rings
// it on every backspace at the start of a line and every unknown key, which
// in a menu is noise. Its Close does nothing, because promptui closes the
// writer it is given and the terminal must outlive a prompt.
//
// The mutex serialises writes: promptui redraws from readline's goroutine
// while the caller's goroutine finishes a prompt.
type bellFilter struct {
	mu sync.Mutex
	w  io.Writer
}

func newBellFilter(w io.Writer) *bellFilter { return &bellFilter{w: w} }

func (b *bellFilter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if bytes.IndexByte(p, '\a') < 0 {
		return b.w.Write(p)
	}
	if _, err := b.w.Write(bytes.ReplaceAll(p, []byte{'\a'}, nil)); err != nil {
		return 0, err
	}
	// Report the whole of p as written: the bells were consumed, not lost.
	return len(p), nil
}

func (b *bellFilter) Close() error { return nil }
