"""Applying a plan to a stack: exactly-once writes, the environment lock, the shadow test gate."""
