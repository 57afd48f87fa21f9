"""Page layouts: one module a page, pure functions returning Dash components."""
