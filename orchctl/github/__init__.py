"""orchctl on GitHub: the sticky pull-request comment and the drift issue (DESIGN §8).

`env` reads the variables GitHub Actions sets, `client` speaks the few REST endpoints used
(issue comments and issues, nothing else), `markers` finds orchctl's own comment and issue
among the others, `comment` and `drift_issue` decide what to write, `fit` keeps a body
under GitHub's size limit, `summary` appends to the job summary.
"""

from __future__ import annotations
