"""The one runner every churn-* command goes through (churn.cli) and the exit codes its
errors carry (churn.errors)."""

from __future__ import annotations

import pytest

from churn import cli
from churn.errors import (
    ChurnError,
    DependencyError,
    ExitCode,
    RefusedError,
    UsageError,
    context,
)


def failing(error: BaseException) -> object:
    def work() -> str:
        raise error

    return work


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (RefusedError("the file is empty"), ExitCode.REFUSED),
        (DependencyError("S3 said SlowDown"), ExitCode.DEPENDENCY),
        (UsageError("--work must be an s3:// prefix"), ExitCode.USAGE),
        (ChurnError("a base error is a refusal"), ExitCode.REFUSED),
    ],
)
def test_an_error_ends_the_command_with_its_code_in_one_line(
    error: ChurnError, code: ExitCode, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.run("churn-x", failing(error)) == code  # type: ignore[arg-type]
    captured = capsys.readouterr()
    assert captured.err == f"churn-x: error: {error}\n" and captured.out == ""


def test_a_message_of_several_lines_is_said_in_one(capsys: pytest.CaptureFixture[str]) -> None:
    error = DependencyError("terraform failed:\n\n  Error: no bucket\n  on main.tf line 3\n")
    assert cli.run("churn-x", failing(error)) == ExitCode.DEPENDENCY  # type: ignore[arg-type]
    assert capsys.readouterr().err == (
        "churn-x: error: terraform failed: / Error: no bucket / on main.tf line 3\n"
    )


def test_an_unexpected_error_is_internal_and_its_traceback_only_on_request(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(cli.DEBUG_VARIABLE, raising=False)
    work = failing(KeyError("version"))
    assert cli.run("churn-x", work) == ExitCode.INTERNAL  # type: ignore[arg-type]
    said = capsys.readouterr().err
    assert said == (
        "churn-x: error: internal error: KeyError: 'version' (set CHURN_DEBUG=1 for the "
        "traceback)\n"
    )
    monkeypatch.setenv(cli.DEBUG_VARIABLE, "1")
    assert cli.run("churn-x", work) == ExitCode.INTERNAL  # type: ignore[arg-type]
    traced = capsys.readouterr().err
    assert "Traceback (most recent call last)" in traced and "KeyError: 'version'" in traced


def test_a_known_error_s_traceback_too_comes_only_on_request(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    work = failing(DependencyError("S3 said SlowDown"))
    monkeypatch.setenv(cli.DEBUG_VARIABLE, "1")
    assert cli.run("churn-x", work) == ExitCode.DEPENDENCY  # type: ignore[arg-type]
    traced = capsys.readouterr().err
    assert "Traceback (most recent call last)" in traced
    assert traced.endswith(
        "churn.errors.DependencyError: S3 said SlowDown\nchurn-x: error: S3 said SlowDown\n"
    )


def test_an_error_without_a_message_is_named_by_its_class(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(cli.DEBUG_VARIABLE, raising=False)
    assert cli.run("churn-x", failing(UsageError(""))) == ExitCode.USAGE  # type: ignore[arg-type]
    assert capsys.readouterr().err == "churn-x: error: UsageError\n"


def test_ctrl_c_is_130(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run("churn-x", failing(KeyboardInterrupt())) == 130  # type: ignore[arg-type]
    assert capsys.readouterr().err == "churn-x: error: interrupted; nothing more was done\n"


def test_what_the_work_returns_is_the_last_line_on_stdout(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def work() -> str:
        cli.progress("churn-x")("working")
        return "s3://bucket/models/v1"

    assert cli.run("churn-x", work) == ExitCode.OK
    assert capsys.readouterr() == ("s3://bucket/models/v1\n", "churn-x: working\n")
    assert cli.run("churn-x", lambda: None) == ExitCode.OK
    assert capsys.readouterr() == ("", "")


def test_context_says_what_was_being_done_and_keeps_the_class() -> None:
    with pytest.raises(DependencyError) as raised, context("cannot write the bundle"):
        raise DependencyError("s3://b/m: access denied")
    assert str(raised.value) == "cannot write the bundle: s3://b/m: access denied"
    with pytest.raises(ValueError, match=r"^plain$"), context("ignored"):
        raise ValueError("plain")  # only the project's errors are put in context


def test_the_exit_code_table_lists_every_code() -> None:
    for code in ExitCode:
        assert f"  {code.value:<3}  " in cli.EXIT_CODES


def test_a_tools_diagnostics_come_before_the_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    error = DependencyError("terraform plan of platform failed", details="Error: x\n  on a.tf\n")
    assert cli.run("churn-x", failing(error)) == ExitCode.DEPENDENCY  # type: ignore[arg-type]
    assert capsys.readouterr().err == (
        "Error: x\n  on a.tf\nchurn-x: error: terraform plan of platform failed\n"
    )
