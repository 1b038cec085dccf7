package editing

import (
	"context"

	"github.com/gridplan/gridplan/internal/domain"
)

// PutRule adds or replaces a service-circle rule of plan; created says
// which.
func (s *Service) PutRule(ctx context.Context, plan domain.Plan, r domain.CircleRule) (created bool, err error) {
	if err := s.authorizeWhole(ctx, plan, domain.RoleAdmin, "changing service-circle rules"); err != nil {
		return false, err
	}
	return s.db.PutCircleRule(ctx, plan.ID, r)
}

// DeleteRule removes a service-circle rule of plan.
func (s *Service) DeleteRule(ctx context.Context, plan domain.Plan, facilityType string, minutes int) error {
	if err := s.authorizeWhole(ctx, plan, domain.RoleAdmin, "changing service-circle rules"); err != nil {
		return err
	}
	return s.db.DeleteCircleRule(ctx, plan.ID, facilityType, minutes)
}
