package ui

import "errors"

// Prompter asks the user one question at a time. Every method returns ErrBack
// when the user pressed Ctrl+C (go back one menu) and ErrQuit on Ctrl+D or the
// end of input (leave the program), so every menu loop ends.
type Prompter interface {
	// Select offers items and returns the index of the chosen one. Items can
	// be filtered by typing "/" then text. It returns ErrNoItems for an
	// empty list, which could never be submitted.
	Select(label string, items []string, opts ...SelectOption) (int, error)

	// Input asks for one line of text. def is shown and kept when the user
	// just presses Enter. validate, when not nil, runs on every keystroke (keep
	// it cheap) and on Enter: while it fails, its message is shown and the
	// question is asked again, so what is returned always passed it.
	Input(label, def string, validate func(string) error) (string, error)

	// Password asks for a secret without echoing it.
	Password(label string, validate func(string) error) (string, error)

	// Confirm asks a yes/no question; No is the default answer.
	Confirm(label string) (bool, error)
}

var (
	// ErrBack means the user pressed Ctrl+C: go back one menu.
	ErrBack = errors.New("back")
	// ErrQuit means the user pressed Ctrl+D or input ended: leave the program.
	ErrQuit = errors.New("quit")
	// ErrNoItems is returned by Select for an empty list: a caller must say
	// "nothing to show" instead of offering a list nobody can choose from.
	ErrNoItems = errors.New("ui: nothing to choose from")
)

// Confirm's answers, in the order they are offered: No first, so that Enter
// alone never confirms a destructive action.
const (
	No  = "No"
	Yes = "Yes"
)

// SelectConfig is what the SelectOptions of one Select call add up to.
// Implementations of Prompter read it with ApplySelectOptions.
type SelectConfig struct {
	// Header is a line shown right above the items, aligned with them: a
	// table's column titles. The label is then shown on the line before it.
	Header string
	// Cursor is the index of the item the cursor starts on.
	Cursor int
	// NoSearch turns off filtering with "/".
	NoSearch bool
}

// SelectOption changes one Select call.
type SelectOption func(*SelectConfig)

// WithHeader shows header right above the items (a table's column titles).
func WithHeader(header string) SelectOption {
	return func(c *SelectConfig) { c.Header = header }
}

// WithCursor starts the cursor on item i (clamped to the list).
func WithCursor(i int) SelectOption {
	return func(c *SelectConfig) { c.Cursor = i }
}

// WithoutSearch turns off filtering with "/" (a Yes/No question needs none).
func WithoutSearch() SelectOption {
	return func(c *SelectConfig) { c.NoSearch = true }
}

// ApplySelectOptions returns the configuration opts describe, the cursor
// clamped to [0, n) for a list of n items.
func ApplySelectOptions(n int, opts ...SelectOption) SelectConfig {
	var c SelectConfig
	for _, opt := range opts {
		if opt != nil {
			opt(&c)
		}
	}
	if c.Cursor >= n {
		c.Cursor = n - 1
	}
	if c.Cursor < 0 {
		c.Cursor = 0
	}
	return c
}
