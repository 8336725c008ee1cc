package domain

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Code classifies an error for the edge that reports it. Only CodeInternal is a bug.
type Code string

const (
	CodeInvalid         Code = "invalid"
	CodeNotFound        Code = "not_found"
	CodeConflict        Code = "conflict"
	CodeForbidden       Code = "forbidden"
	CodeUnauthenticated Code = "unauthenticated"
	CodeUnavailable     Code = "unavailable"
	CodeInternal        Code = "internal"
)

// Error is an error meant to be shown to the user: its Message is safe to print
// (it never holds a secret), and Fields names each invalid field with the rule it broke.
type Error struct {
	Code    Code
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	names := make([]string, 0, len(e.Fields))
	for name := range e.Fields {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, name := range names {
		parts = append(parts, name+": "+e.Fields[name])
	}
	if e.Message == "" {
		return strings.Join(parts, "; ")
	}
	return e.Message + ": " + strings.Join(parts, "; ")
}

// Errorf builds an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or CodeInternal
// when there is none (an error with no code is a bug), or "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the user-facing message of err, or "" when err carries no code.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return ""
}

// FieldErrors collects field-level validation failures in order of discovery.
type FieldErrors map[string]string

// Add records the first failure of a field; later ones for the same field are ignored.
func (f FieldErrors) Add(field, rule string) {
	if _, seen := f[field]; !seen {
		f[field] = rule
	}
}

// Check adds err's message under field when err is not nil.
func (f FieldErrors) Check(field string, err error) {
	if err != nil {
		f.Add(field, err.Error())
	}
}

// Err returns an invalid *Error holding the fields, or nil when there are none.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: CodeInvalid, Message: "invalid input", Fields: map[string]string(f)}
}

// Invalid returns an invalid *Error for a single field.
func Invalid(field, rule string) error {
	return &Error{Code: CodeInvalid, Message: "invalid input", Fields: map[string]string{field: rule}}
}

// NotFound says that an entity with that id (or key) does not exist.
func NotFound(entity string, key any) error {
	return Errorf(CodeNotFound, "%s %v not found", entity, key)
}

// ErrStale is returned by updates whose row changed since it was read.
var ErrStale = &Error{Code: CodeConflict, Message: "changed by someone else since you opened it; reload and try again"}

// Forbidden says the actor may not do what was asked.
func Forbidden(what string) error {
	return Errorf(CodeForbidden, "permission denied: you may not %s", what)
}
