"""Deterministic Temporal workflows: the repair process, and nothing else."""
