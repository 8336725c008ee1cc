package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/ui"
)

// What the noun commands (customer, contract, event, user, audit) have in
// common: the group that names its commands, list (filters, paging, a table,
// JSON or CSV) and show (one record: its details or JSON). A noun's file keeps
// what is its own: help texts, filter flags, queries, and how its records look.

// nounCommand makes cmd the group of a noun's commands; run alone, it is a
// usage error that names them.
func nounCommand(cmd *cobra.Command, subs ...*cobra.Command) *cobra.Command {
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.Name()
	}
	choice := names[len(names)-1]
	if n := len(names); n > 1 {
		choice = strings.Join(names[:n-1], ", ") + " or " + choice
	}
	cmd.Args = cobra.NoArgs
	cmd.RunE = func(*cobra.Command, []string) error {
		return &usageError{err: fmt.Errorf("%s needs a command: %s", cmd.Name(), choice), showHelp: true}
	}
	cmd.AddCommand(subs...)
	return cmd
}

// pager reads one page of a list.
type pager[T any] func(domain.Page) (domain.List[T], error)

// listSpec is what a noun's list command has of its own, besides its help and
// filter flags: how its rows look (a table for people, records for JSON and
// CSV) and how they are read.
type listSpec[T, R any] struct {
	columns func(ui.Display) []ui.Column[T]
	record  func(T) R
	csv     []csvColumn[R]
	// check reads the filter flags before anything is opened, so that their
	// errors need no session; nil when no filter can be wrong.
	check func() error
	// query prepares the list for the logged-in actor (once) and returns how
	// to read one page of it.
	query func(ctx context.Context, w *world, a service.Actor) (pager[T], error)
}

// listOptions are the flags every list has.
type listOptions struct {
	out  outputOptions
	page pageOptions
}

// listCommand makes cmd (a noun's list, with its help and filter flags) the
// command that prints the page asked of what spec reads; it adds --page,
// --limit, --json and --csv.
func listCommand[T, R any](r *root, cmd *cobra.Command, spec listSpec[T, R]) *cobra.Command {
	var o listOptions
	cmd.Args = cobra.NoArgs
	cmd.RunE = r.runCmd(&o.out, func(ctx context.Context, _ []string) error {
		return runList(ctx, r, &o, spec)
	})
	addPageFlags(cmd, &o.page)
	addOutputFlags(cmd, &o.out, true)
	return cmd
}

func runList[T, R any](ctx context.Context, r *root, o *listOptions, spec listSpec[T, R]) error {
	if err := o.page.check(); err != nil {
		return err
	}
	if spec.check != nil {
		if err := spec.check(); err != nil {
			return err
		}
	}
	return r.asActor(ctx, func(w *world, a service.Actor) error {
		read, err := spec.query(ctx, w, a)
		if err != nil {
			return err
		}
		l, err := walkToPage(o.page, read)
		if err != nil {
			return err
		}
		return printList(r, o.out, l, o.page.page+1, spec.record, spec.csv, spec.columns)
	})
}

// showSpec is what a noun's show command has of its own, besides its help:
// how its argument names a record, how the record is read and how it looks.
type showSpec[K, T any] struct {
	// key reads the argument before anything is opened, so that a malformed
	// id needs no session.
	key     func(arg string) (K, error)
	get     func(ctx context.Context, w *world, a service.Actor, key K) (T, error)
	json    func(T) any
	details func(d ui.Display, v T) error
}

// showCommand makes cmd (a noun's show, with its help) the command that prints
// the record its one argument names; it adds --json.
func showCommand[K, T any](r *root, cmd *cobra.Command, spec showSpec[K, T]) *cobra.Command {
	var out outputOptions
	cmd.Args = cobra.ExactArgs(1)
	cmd.RunE = r.runCmd(&out, func(ctx context.Context, args []string) error {
		return runShow(ctx, r, out, args[0], spec)
	})
	addOutputFlags(cmd, &out, false)
	return cmd
}

func runShow[K, T any](ctx context.Context, r *root, out outputOptions, arg string, spec showSpec[K, T]) error {
	key, err := spec.key(arg)
	if err != nil {
		return err
	}
	return r.asActor(ctx, func(w *world, a service.Actor) error {
		v, err := spec.get(ctx, w, a, key)
		if err != nil {
			return err
		}
		if out.json {
			return writeJSON(r.stdout, spec.json(v))
		}
		return spec.details(r.cmdDisplay(), v)
	})
}

// idArg reads a show command's argument as a record id.
func idArg(arg string) (domain.ID, error) { return parseID("id", arg) }
