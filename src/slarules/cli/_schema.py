"""``slarules schema``: print the JSON Schema (draft-07) that editors use for policy files."""

from __future__ import annotations

import json

import click

from slarules._schema import policy_schema, policy_test_schema


@click.command("schema")
@click.option(
    "--test-file",
    is_flag=True,
    help="The schema of policy test files (*.test.yaml) instead of policy files.",
)
def schema(test_file: bool) -> None:
    """Print the policy file JSON Schema (draft-07) for editors and the YAML language server."""
    document = policy_test_schema() if test_file else policy_schema()
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))
