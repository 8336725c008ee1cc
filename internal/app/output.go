package app

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/ui"
)

// outputOptions are a command's --json and (for lists) --csv flags. Without
// either, the command prints for people: a table or a detail view.
type outputOptions struct {
	json, csv bool
}

// addOutputFlags adds --json, and --csv when the command prints a list.
func addOutputFlags(cmd *cobra.Command, o *outputOptions, withCSV bool) {
	cmd.Flags().BoolVar(&o.json, "json", false, "print JSON (snake_case keys, money as a string and in cents, times in RFC 3339 UTC)")
	if withCSV {
		cmd.Flags().BoolVar(&o.csv, "csv", false, "print CSV with a header row")
		cmd.MarkFlagsMutuallyExclusive("json", "csv")
	}
}

// currency is the only one the CRM keeps amounts in.
const currency = "EUR"

// utc formats an instant for machines: RFC 3339 in UTC.
func utc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// utcPtr is utc for optional instants; nil stays null in JSON and empty in CSV.
func utcPtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := utc(*t)
	return &s
}

// writeJSON prints v indented, without HTML escaping (an ampersand in a
// company name stays an ampersand).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// jsonList makes sure an empty list is printed as [] rather than null.
func jsonList[T any](items []T) []T {
	if items == nil {
		return []T{}
	}
	return items
}

// csvColumn is one column of a CSV export: its header (the JSON key of the
// same value) and the value, in the same machine form as the JSON.
type csvColumn[R any] struct {
	key   string
	value func(R) string
}

// writeCSV prints a header row then one row per record. Cells that a
// spreadsheet would run as a formula are defused (see csvCell).
func writeCSV[R any](w io.Writer, cols []csvColumn[R], rows []R) error {
	cw := csv.NewWriter(w)
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.key
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, row := range rows {
		cells := make([]string, len(cols))
		for i, c := range cols {
			cells[i] = csvCell(c.value(row))
		}
		if err := cw.Write(cells); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// csvCell guards against formula injection (OWASP "CSV injection"): a cell
// starting with =, +, -, @, a tab or a carriage return is a formula to a
// spreadsheet, so it gets a leading single quote and is shown as text. Phone
// numbers such as "+33 6 ..." are affected, on purpose: the quote is what
// keeps a customer-typed "=HYPERLINK(...)" harmless.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// cmdDisplay describes standard output: a terminal gets aligned tables that
// fit its width, anything else tab-separated lines (ui.Table's two shapes).
func (r *root) cmdDisplay() ui.Display {
	loc := r.localZone()
	if f, ok := r.stdout.(*os.File); ok {
		return ui.DetectDisplay(f, r.getenv("NO_COLOR") == "", loc)
	}
	return ui.Display{Location: loc}
}

// localZone is the time zone times are shown and read in. It honours TZ as
// given to the program (Go's time.Local reads the same variable), so a test
// or a user can choose it.
func (r *root) localZone() *time.Location {
	if tz := strings.TrimPrefix(r.getenv("TZ"), ":"); tz != "" {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc
		}
	}
	return time.Local
}

// localTime formats an instant for a sentence, with its zone: "2026-05-04 17:30 CEST".
func (r *root) localTime(t time.Time) string {
	return t.In(r.localZone()).Format("2006-01-02 15:04 MST")
}

// printList prints one page of a list in the format asked: a table for
// people (with a hint on stderr when there is a next page), or JSON / CSV
// records for programs.
func printList[T, R any](r *root, out outputOptions, l domain.List[T], nextPage int,
	record func(T) R, csvCols []csvColumn[R], table func(ui.Display) []ui.Column[T]) error {
	switch {
	case out.json || out.csv:
		records := make([]R, len(l.Items))
		for i, item := range l.Items {
			records[i] = record(item)
		}
		if out.json {
			return writeJSON(r.stdout, jsonList(records))
		}
		return writeCSV(r.stdout, csvCols, records)
	default:
		d := r.cmdDisplay()
		if err := (ui.Table[T]{Columns: table(d), Rows: l.Items}).Render(r.stdout, d); err != nil {
			return err
		}
		if l.Next != "" {
			fmt.Fprintf(r.stderr, "More on the next page: run the same command with --page %d.\n", nextPage)
		}
		return nil
	}
}

// printDone prints what a command changed: its record with --json,
// otherwise the sentence.
func (r *root) printDone(out outputOptions, record any, format string, args ...any) error {
	if out.json {
		return writeJSON(r.stdout, record)
	}
	fmt.Fprintf(r.stdout, format, args...)
	return nil
}

// section prints a titled table inside a detail view.
func section[T any](r *root, d ui.Display, title string, cols []ui.Column[T], rows []T) error {
	fmt.Fprintf(r.stdout, "\n%s (%d)\n", title, len(rows))
	if len(rows) == 0 {
		return nil
	}
	return ui.Table[T]{Columns: cols, Rows: rows}.Render(r.stdout, d)
}

// errorRecord is the JSON form of a failure, printed on stdout with --json so
// that a script reading stdout learns why as well as the exit code.
type errorRecord struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// exitNames names each exit code the way a domain error code does, so the
// JSON code always agrees with the exit status.
var exitNames = map[int]domain.Code{
	ExitError:           domain.CodeInternal,
	ExitUsage:           domain.CodeInvalid,
	ExitNotFound:        domain.CodeNotFound,
	ExitUnauthenticated: domain.CodeUnauthenticated,
	ExitForbidden:       domain.CodeForbidden,
	ExitConflict:        domain.CodeConflict,
}

func writeJSONError(w io.Writer, err error) {
	code := exitNames[exitCode(err)]
	if code == domain.CodeInternal && domain.ErrorCode(err) == domain.CodeUnavailable {
		code = domain.CodeUnavailable
	}
	body := errorBody{Code: string(code), Message: oneLine(message(err))}
	var de *domain.Error
	if errors.As(err, &de) && de.Code == domain.CodeInvalid && len(de.Fields) > 0 {
		body.Fields = de.Fields
	}
	_ = writeJSON(w, errorRecord{Error: body})
}
