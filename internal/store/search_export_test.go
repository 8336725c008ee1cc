package store

import "context"

// WithSearchWindow returns a context on which a search page of any list reads
// at most n rows of the list instead of searchWindow: the tests see a window
// end within a few rows.
func WithSearchWindow(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, windowKey{}, n)
}

// SearchWindow is the rows a search page reads at most.
const SearchWindow = searchWindow
