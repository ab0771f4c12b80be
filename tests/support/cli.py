"""What a CLI of the project prints for --help, its spacing (argparse's, not ours) folded."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from churn import cli


def help_text(
    main: Callable[[Sequence[str]], object],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert cli.EXIT_CODES in out  # every command documents the one exit-code table
    return " ".join(out.replace(cli.EXIT_CODES, "").split())
