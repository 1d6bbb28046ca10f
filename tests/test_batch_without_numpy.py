"""numpy is an optional extra (``batch``): without it the whole core works, ``smscodec.batch``
says which extra to install, and the CLI's ``analyze`` is one line on stderr with exit
status 2.  numpy is hidden from a fresh interpreter by a meta path hook, so this runs in
every environment (``.ci/run`` also runs the core suite in a virtual environment that has
no numpy installed at all)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# Refuses numpy (and what needs it) as if it were not installed.
BLOCK = textwrap.dedent(
    """
    import sys
    class _NoNumpy:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("numpy", "pandas", "pyarrow"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None
    sys.meta_path.insert(0, _NoNumpy())
    """
)


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK + textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_core_works_without_numpy() -> None:
    done = _run(
        """
        import smscodec, smscodec.vonage, smscodec.signing, smscodec.udh
        assert smscodec.count_segments("x" * 161) == 2
        assert smscodec.analyze("Grüße – bis später").encoding == "ucs2"
        assert len(smscodec.split("x" * 400, reference=7)) == 3
        assert str(smscodec.estimate_cost(["hi", "x" * 161], "0.0075")) == "0.0225"
        assert smscodec.encode_gsm7("€") == b"\\x1be"
        assert smscodec.signing.sign({"a": "1"}, "secret", "sha256")
        assert smscodec.BACKEND in ("c", "python")
        print("ok")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_batch_names_the_extra_to_install() -> None:
    done = _run(
        """
        try:
            import smscodec.batch
        except ImportError as exc:
            print(exc)
        """
    )
    assert done.returncode == 0, done.stderr
    assert "pip install 'smscodec[batch]'" in done.stdout


def test_cli_count_works_and_analyze_is_one_line_without_numpy() -> None:
    count = _run("from smscodec.cli import main; raise SystemExit(main(['count', '--json', 'hello']))")
    assert count.returncode == 0, count.stderr
    assert '"segments": 1' in count.stdout
    analyze = _run("from smscodec.cli import main; raise SystemExit(main(['analyze', '-']))")
    assert analyze.returncode == 2
    assert analyze.stderr.count("\n") == 1, analyze.stderr
    assert "smscodec[cli]" in analyze.stderr
    assert "Traceback" not in analyze.stderr
