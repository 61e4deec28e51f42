"""The hub's queryable tables (SQLModel): projections of what intake and the workflows decided."""
