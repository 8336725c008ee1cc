package domain

import "testing"

func TestPageSize(t *testing.T) {
	for _, tt := range []struct {
		limit, want int
	}{{0, DefaultPageSize}, {-5, DefaultPageSize}, {1, 1}, {50, 50}, {MaxPageSize, MaxPageSize}, {MaxPageSize + 1, MaxPageSize}} {
		if got := (Page{Limit: tt.limit}).Size(); got != tt.want {
			t.Errorf("Page{Limit: %d}.Size() = %d, want %d", tt.limit, got, tt.want)
		}
	}
}

func TestHoldingsEmpty(t *testing.T) {
	if !(Holdings{}).Empty() {
		t.Error("no holdings is not empty")
	}
	if (Holdings{Customers: []Ref{{ID: 1, Name: "Kevin Casey"}}}).Empty() {
		t.Error("a customer held counts as empty")
	}
	if (Holdings{Events: []Ref{{ID: 2, Name: "Launch"}}}).Empty() {
		t.Error("an event held counts as empty")
	}
}

func TestContractPaid(t *testing.T) {
	if !(Contract{TotalAmount: 100, AmountDue: 0}).Paid() {
		t.Error("nothing due is not paid")
	}
	if (Contract{TotalAmount: 100, AmountDue: 1}).Paid() {
		t.Error("one cent due is paid")
	}
}
