package service

import (
	"context"
	"fmt"

	"github.com/epic-events/crm/internal/domain"
)

// Audit lets management read the audit trail the other services write.
type Audit struct{ base }

// NewAudit returns the Audit service.
func NewAudit(d Deps) *Audit { return &Audit{base: newBase(d)} }

// List returns one page of the audit log, newest first, narrowed by f.
func (s *Audit) List(ctx context.Context, actor Actor, f domain.AuditFilter) (domain.List[domain.AuditEntry], error) {
	if err := authorize(actor, domain.PermAuditRead, domain.Subject{}, "read the audit log"); err != nil {
		return domain.List[domain.AuditEntry]{}, err
	}
	var page domain.List[domain.AuditEntry]
	err := s.read(ctx, actor, func(r Repos) error {
		var err error
		page, err = r.ListAudit(ctx, f)
		if err != nil {
			return fmt.Errorf("list audit: %w", err)
		}
		return nil
	})
	return page, err
}
