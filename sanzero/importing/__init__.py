"""Excel imports (DESIGN §7): the kinds, the all-or-nothing engine, jobs, the import pages."""
