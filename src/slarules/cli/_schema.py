"""``slarules schema``: print the JSON Schema (draft-07) that editors use for policy files."""

from __future__ import annotations

import json

import click

from slarules._schema import policy_schema


@click.command("schema")
def schema() -> None:
    """Print the policy file JSON Schema (draft-07) for editors and the YAML language server."""
    click.echo(json.dumps(policy_schema(), indent=2, ensure_ascii=False))
