package domain

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"a message alone", &Error{Code: CodeNotFound, Message: "customer 7 not found"}, "customer 7 not found"},
		{"fields in name order after the message", &Error{Code: CodeInvalid, Message: "invalid input",
			Fields: map[string]string{"phone": "must have 6 to 20 digits", "email": "is required"}},
			"invalid input: email: is required; phone: must have 6 to 20 digits"},
		{"fields without a message", &Error{Code: CodeInvalid, Fields: map[string]string{"name": "is required"}},
			"name: is required"},
		{"an empty field map is no field", &Error{Code: CodeConflict, Message: "taken", Fields: map[string]string{}}, "taken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Fatalf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorCodeAndMessage(t *testing.T) {
	notFound := NotFound("customer", 7)
	tests := []struct {
		name     string
		err      error
		code     Code
		userText string
	}{
		{"no error has no code", nil, "", ""},
		{"an error without a code is internal and has nothing to show", errors.New("driver: bad connection"), CodeInternal, ""},
		{"a coded error", notFound, CodeNotFound, "customer 7 not found"},
		{"a wrapped coded error keeps its code", fmt.Errorf("get customer: %w", notFound), CodeNotFound, "customer 7 not found"},
		{"the first code in the chain wins", fmt.Errorf("outer: %w", &Error{Code: CodeForbidden, Message: "no",
			Fields: nil}), CodeForbidden, "no"},
		{"joined errors are searched", errors.Join(errors.New("x"), ErrStale), CodeConflict, ErrStale.Message},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
			if got := ErrorMessage(tt.err); got != tt.userText {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.userText)
			}
		})
	}
}

func TestErrorConstructors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		code Code
		text string
	}{
		{"Errorf formats", Errorf(CodeUnavailable, "database %s is unreachable", "epic"), CodeUnavailable, "database epic is unreachable"},
		{"Invalid names one field", Invalid("email", "is required"), CodeInvalid, "invalid input: email: is required"},
		{"NotFound names the entity and key", NotFound("event", "EV-1"), CodeNotFound, "event EV-1 not found"},
		{"Forbidden says what may not be done", Forbidden("update this customer"), CodeForbidden, "permission denied: you may not update this customer"},
		{"ErrStale asks to reload", ErrStale, CodeConflict, "changed by someone else since you opened it; reload and try again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ErrorCode(tt.err) != tt.code || tt.err.Error() != tt.text {
				t.Fatalf("got %q %q, want %q %q", ErrorCode(tt.err), tt.err, tt.code, tt.text)
			}
		})
	}
}

func TestFieldErrors(t *testing.T) {
	t.Run("none is no error", func(t *testing.T) {
		f := FieldErrors{}
		f.Check("email", nil)
		if err := f.Err(); err != nil {
			t.Fatalf("Err() = %v, want nil", err)
		}
	})
	t.Run("each field keeps its first failure", func(t *testing.T) {
		f := FieldErrors{}
		f.Add("name", "is required")
		f.Add("name", "must be at most 100 characters")
		f.Check("email", errors.New("must be an address such as name@example.com"))
		f.Check("phone", nil)
		err := f.Err()
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeInvalid {
			t.Fatalf("Err() = %v, want an invalid *Error", err)
		}
		want := map[string]string{"name": "is required", "email": "must be an address such as name@example.com"}
		if len(e.Fields) != len(want) || e.Fields["name"] != want["name"] || e.Fields["email"] != want["email"] {
			t.Fatalf("Fields = %v, want %v", e.Fields, want)
		}
		if got := err.Error(); got != "invalid input: email: must be an address such as name@example.com; name: is required" {
			t.Fatalf("Error() = %q", got)
		}
	})
}
