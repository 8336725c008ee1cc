package domain

import "errors"

// Reported is an unexpected error that was reported (to Sentry): Ref is the
// event's id, which the apology shows so that a user's complaint can be
// matched with the event. It adds no code: an internal error stays internal.
type Reported struct {
	Err error
	Ref string
}

func (e *Reported) Error() string { return e.Err.Error() }
func (e *Reported) Unwrap() error { return e.Err }

// ReferenceOf returns the reference of the report err carries, or "" when it was not reported.
func ReferenceOf(err error) string {
	var r *Reported
	if errors.As(err, &r) {
		return r.Ref
	}
	return ""
}
