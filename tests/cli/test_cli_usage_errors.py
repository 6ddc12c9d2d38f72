"""Usage errors exit 1 — never 2, which means only "changes" (plan) or "drift" — and name
the closest command or option (issue 10, item 1)."""

from __future__ import annotations

import pytest

from orchctl.cli.main import COMMANDS, run


def orchctl(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_exits_1_on_an_unknown_option(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # COMMANDS is the live table: a command added later is covered without editing this test.
    code, out, err = orchctl(capsys, command, "--zzqx")
    assert (code, out) == (1, "")
    assert err == (
        f"orchctl: error: no such option '--zzqx' (hint: see `orchctl {command} --help`)\n"
    )


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_exits_1_on_an_option_missing_its_value(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = orchctl(capsys, command, "-C")
    assert (code, out) == (1, "")
    assert err == (
        "orchctl: error: option '-C' requires an argument (hint: see `orchctl --help`)\n"
    )


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["drift", "--show-unmanged"],
            "no such option '--show-unmanged' (hint: did you mean `--show-unmanaged`?)",
        ),
        (
            ["plan", "--detailed-exit-code"],
            "no such option '--detailed-exit-code' (hint: did you mean `--detailed-exitcode`?)",
        ),
        (
            ["drift", "--parallelism", "0"],
            "invalid value for '--parallelism': 0 is not in the range 1<=x<=64 "
            "(hint: see `orchctl drift --help`)",
        ),
        (["valdiate"], "no such command 'valdiate' (hint: did you mean `validate`?)"),
        (["plna"], "no such command 'plna' (hint: did you mean `plan`?)"),
        (
            ["plan", "-o", "yaml"],
            "invalid value for '-o' / '--output': 'yaml' is not one of 'text', 'json', "
            "'markdown' (hint: see `orchctl plan --help`)",
        ),
        (
            ["sandbox", "--port"],
            "option '--port' requires an argument (hint: see `orchctl sandbox --help`)",
        ),
        (
            ["sandbox", "--port", "99999"],
            "invalid value for '--port': 99999 is not in the range 0<=x<=65535 "
            "(hint: see `orchctl sandbox --help`)",
        ),
    ],
)
def test_usage_errors_from_the_trial(
    argv: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = orchctl(capsys, *argv)
    assert (code, out, err) == (1, "", f"orchctl: error: {line}\n")


def test_no_command_prints_the_help_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = orchctl(capsys)
    assert (code, out) == (1, "")
    assert err.startswith("Usage: orchctl [OPTIONS] COMMAND [ARGS]...\n")


def test_help_still_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    for command in sorted(COMMANDS):
        code, out, _ = orchctl(capsys, command, "--help")
        assert code == 0
        assert out.startswith(f"Usage: orchctl {command} ")
