package store

import (
	"context"
	"errors"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"gorm.io/gorm"
)

type paymentRow struct {
	ID         int64 `gorm:"primaryKey"`
	ContractID int64
	Amount     int64
	ReceivedAt time.Time
	RecordedBy int64
	CreatedAt  time.Time
}

func (paymentRow) TableName() string { return "payments" }

func (p paymentRow) domain() domain.Payment {
	return domain.Payment{
		ID:           p.ID,
		ContractID:   p.ContractID,
		Amount:       domain.Money(p.Amount),
		ReceivedAt:   p.ReceivedAt.UTC(),
		RecordedByID: p.RecordedBy,
		CreatedAt:    p.CreatedAt.UTC(),
	}
}

// AddPayment inserts p and sets its ID and CreatedAt; a zero ReceivedAt means now.
// The contract's amount_due is the caller's to update, in the same transaction.
func (r *Repos) AddPayment(ctx context.Context, p *domain.Payment) error {
	row := paymentRow{
		ContractID: p.ContractID,
		Amount:     p.Amount.Cents(),
		ReceivedAt: r.clock(p.ReceivedAt),
		RecordedBy: p.RecordedByID,
		CreatedAt:  r.clock(p.CreatedAt),
	}
	if err := r.q(ctx).Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrForeignKeyViolated) {
			return r.missingRef(ctx, "add payment", err,
				ref{"contract_id", "contracts", "contract", p.ContractID},
				ref{"recorded_by", "users", "collaborator", p.RecordedByID})
		}
		return translate("add payment", err)
	}
	*p = row.domain()
	return nil
}

// ListPayments lists a contract's payments in the order they were received.
func (r *Repos) ListPayments(ctx context.Context, contractID domain.ID) ([]domain.Payment, error) {
	var rows []paymentRow
	err := r.q(ctx).Raw(`SELECT id, contract_id, amount, received_at, recorded_by, created_at
		FROM payments WHERE contract_id = ? ORDER BY received_at, id`, contractID).Scan(&rows).Error
	if err != nil {
		return nil, translate("list payments", err)
	}
	out := make([]domain.Payment, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, nil
}

// PaidTotal is the sum of a contract's payments, 0 when there are none.
func (r *Repos) PaidTotal(ctx context.Context, contractID domain.ID) (domain.Money, error) {
	var total int64
	err := r.q(ctx).Raw("SELECT COALESCE(SUM(amount), 0) FROM payments WHERE contract_id = ?", contractID).Scan(&total).Error
	if err != nil {
		return 0, translate("paid total", err)
	}
	return domain.Money(total), nil
}
