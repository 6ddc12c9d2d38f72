"""Checks of definitions: schemas (structure) and the rules schemas cannot express."""
