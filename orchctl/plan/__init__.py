"""What would change on a stack: the plan as plain data, and the pure function computing it.

Renderers (`orchctl.render`) and the applier consume a :class:`~orchctl.plan.model.Plan`;
neither recomputes it.
"""
