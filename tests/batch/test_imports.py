"""Optional dependencies stay optional: ``import slarules`` never imports pyarrow or dask."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )


def test_import_slarules_and_batch_import_neither_pyarrow_nor_dask() -> None:
    done = _python(
        "import sys, slarules, slarules.batch, slarules.cli\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pyarrow', 'dask',"
        " 'distributed', 'pandas'))\n"
        "print(heavy)"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("blocked", "code", "extra"),
    [
        ("dask", "import slarules.dask", "slarules[dask]"),
        (
            "pyarrow",
            "import slarules, slarules.batch as b, datetime as d\n"
            "b.evaluate_table(slarules.load_policy('policies/after-sales-response.yaml'),"
            " None, d.datetime.now(d.UTC))",
            "slarules[arrow]",
        ),
    ],
)
def test_a_missing_extra_says_what_to_install(blocked: str, code: str, extra: str) -> None:
    done = _python(
        f"import sys; sys.modules[{blocked!r}] = None\n"
        "from slarules.batch import MissingDependencyError\n"
        "import slarules\n"
        "try:\n"
        + "".join(f"    {line}\n" for line in code.splitlines())
        + "except MissingDependencyError as exc:\n"
        "    assert isinstance(exc, slarules.SlaRulesError) and isinstance(exc, ImportError)\n"
        "    print(exc)\n"
    )
    assert done.returncode == 0, done.stderr
    assert f"pip install '{extra}'" in done.stdout
