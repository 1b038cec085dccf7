package editing

import (
	"context"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// ImportGrids stores grids in plan's view in one transaction, all or
// none, and records them as a revision by the actor. Geometries are in
// CRS srid.
func (s *Service) ImportGrids(ctx context.Context, plan domain.Plan, grids []domain.Grid, srid int, message string) ([]store.Warning, int, error) {
	if plan.View.Revision > 0 {
		return nil, 0, domain.Errorf(domain.ErrConflict, "%s is a past revision and cannot be changed", plan.Describe())
	}
	if err := s.authorizeWhole(ctx, plan, domain.RoleAdmin, "importing grids"); err != nil {
		return nil, 0, err
	}
	view := s.lockView(plan.Workspace)
	defer view.Unlock()
	return s.db.ImportGrids(ctx, plan.Workspace, grids, srid,
		store.Record{Kind: store.RevisionImport, Author: domain.ActorFrom(ctx).Name, Message: message})
}

// ImportUnits stores population units in plan, all or none.
func (s *Service) ImportUnits(ctx context.Context, plan domain.Plan, units []domain.Unit, srid int) ([]store.Warning, error) {
	if err := s.authorizeWhole(ctx, plan, domain.RoleAdmin, "importing units"); err != nil {
		return nil, err
	}
	return s.db.InsertUnits(ctx, plan.ID, units, srid)
}

// ImportFacilities stores facilities in plan, all or none.
func (s *Service) ImportFacilities(ctx context.Context, plan domain.Plan, fs []domain.Facility, srid int) error {
	if err := s.authorizeWhole(ctx, plan, domain.RoleAdmin, "importing facilities"); err != nil {
		return err
	}
	return s.db.InsertFacilities(ctx, plan.ID, fs, srid)
}
