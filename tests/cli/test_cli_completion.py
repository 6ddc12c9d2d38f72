"""Shell completion, as the README documents it (issue 10, item 8)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def orchctl_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchctl"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("shell", "line"),
    [
        ("bash", "complete -o nosort -F _orchctl_completion orchctl"),
        ("zsh", "compdef _orchctl_completion orchctl"),
        ("fish", 'complete --no-files --command orchctl --arguments "(_orchctl_completion)";'),
    ],
)
def test_completion_script_is_printed(shell: str, line: str) -> None:
    result = orchctl_with({"_ORCHCTL_COMPLETE": f"{shell}_source"})
    assert (result.returncode, result.stderr) == (0, "")
    assert line in [text.strip() for text in result.stdout.splitlines()]


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("orchctl va", "1", "plain,validate\n"),
        ("orchctl drift --show-unm", "2", "plain,--show-unmanaged\n"),
    ],
)
def test_bash_completes_commands_and_options(words: str, cword: str, expected: str) -> None:
    result = orchctl_with(
        {"_ORCHCTL_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": cword}
    )
    assert (result.returncode, result.stdout) == (0, expected)
