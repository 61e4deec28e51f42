"""Temporal activities: every side effect (database, HTTP, PDF, SMS), each idempotent."""
