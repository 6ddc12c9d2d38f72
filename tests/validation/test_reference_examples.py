"""The service's own example workflows pass orchctl's schemas once wrapped as documents."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from orchctl.validation import schemas


@pytest.mark.reference
def test_every_upstream_example_validates(reference_dir: Path) -> None:
    examples = sorted((reference_dir / "upstream-examples").glob("*.yaml"))
    assert len(examples) >= 10
    for path in examples:
        body = yaml.safe_load(path.read_text(encoding="utf-8"))
        document = {"kind": "Workflow", "name": path.stem.lower(), "stages": body["stages"]}
        assert schemas.check("workflow", document) == [], path.name
