package app

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/ui"
)

func (r *root) auditCommand() *cobra.Command {
	return nounCommand(&cobra.Command{
		Use:   "audit",
		Short: "Read the audit log (management)",
	}, r.auditList())
}

func (r *root) auditList() *cobra.Command {
	var (
		entity, actor, since string
		f                    domain.AuditFilter
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List what was changed, by whom and when, newest first (management)",
		Example: `  epicevents audit list --entity contract
  epicevents audit list --actor sales1@epicevents.test --since 2026-11-01 --json`,
	}
	cmd.Flags().StringVar(&entity, "entity", "", "only this kind of record: user, customer, contract, event")
	cmd.Flags().StringVar(&actor, "actor", "", "only what this collaborator (email) did")
	cmd.Flags().StringVar(&since, "since", "", "only from this date or time on, such as 2026-11-01 (local time)")
	return listCommand(r, cmd, listSpec[domain.AuditEntry, auditRecord]{
		columns: auditColumns, record: auditRecordOf, csv: auditCSV,
		check: func() error {
			f = domain.AuditFilter{Entity: entity}
			if since != "" {
				t, err := parseSince("since", since, r.localZone())
				if err != nil {
					return err
				}
				f.Since = &t
			}
			return nil
		},
		query: func(ctx context.Context, w *world, a service.Actor) (pager[domain.AuditEntry], error) {
			if actor != "" {
				u, err := collaboratorByEmail(ctx, w, a, "actor", actor)
				if err != nil {
					return nil, err
				}
				f.ActorID = u.ID
			}
			return func(p domain.Page) (domain.List[domain.AuditEntry], error) {
				f.Page = p
				return w.audit.List(ctx, a, f)
			}, nil
		},
	})
}

func auditColumns(d ui.Display) []ui.Column[domain.AuditEntry] {
	return []ui.Column[domain.AuditEntry]{
		{Title: "When", Value: func(e domain.AuditEntry) string { return d.Time(e.At) }, Fixed: true},
		{Title: "Who", Value: func(e domain.AuditEntry) string {
			if e.ActorEmail == "" {
				return "(system)"
			}
			return e.ActorEmail
		}},
		{Title: "Action", Value: func(e domain.AuditEntry) string { return e.Action }},
		{Title: "Record", Value: func(e domain.AuditEntry) string { return e.Entity + " " + itoa(e.EntityID) }},
		{Title: "Changes", Value: func(e domain.AuditEntry) string { return changesText(e.Changes) }},
	}
}
