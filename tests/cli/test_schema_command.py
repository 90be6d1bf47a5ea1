"""``slarules schema``: the draft-07 JSON Schema, the same as the committed file."""

from __future__ import annotations

import json

from .helpers import ROOT, Run


def test_schema_prints_the_committed_schema(run: Run) -> None:
    result = run("schema")
    assert result.exit_code == 0
    committed = (ROOT / "schema" / "policy.schema.json").read_text(encoding="utf-8")
    assert result.stdout == committed, "run: slarules schema > schema/policy.schema.json"


def test_schema_is_draft_07_json(run: Run) -> None:
    schema = json.loads(run("schema").stdout)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "definitions" in schema
    assert "$defs" not in json.dumps(schema)


def test_schema_keeps_non_ascii_text_readable(run: Run) -> None:
    assert "\\u" not in run("schema").stdout


def test_schema_takes_no_arguments(run: Run) -> None:
    assert run("schema", "extra").exit_code == 2


def test_schema_test_file_prints_the_committed_test_file_schema(run: Run) -> None:
    result = run("schema", "--test-file")
    assert result.exit_code == 0
    committed = (ROOT / "schema" / "policy-test.schema.json").read_text(encoding="utf-8")
    assert result.stdout == committed
    assert json.loads(result.stdout)["title"] == "slarules policy tests"
