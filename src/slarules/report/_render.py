"""One renderer per format behind one function: ``render(result, fmt) -> str``."""

from __future__ import annotations

from collections.abc import Callable

from slarules._errors import UsageError

from ._result import ReportResult

__all__ = ["FORMATS", "render"]

FORMATS = ("html", "md", "json", "csv")


def render(result: ReportResult, fmt: str = "html", *, charts: bool | None = None) -> str:
    """The report as text: ``html`` (self-contained page), ``md``, ``json`` or ``csv``
    (the summary table; the stage rows stream through ``build_report(stage_rows=...)``).

    ``charts`` (HTML only): ``None`` draws charts when vl-convert-python is installed,
    ``False`` never, ``True`` requires it.
    """
    renderers: dict[str, Callable[[ReportResult], str]]
    if fmt == "html":
        from ._render_html import render_html

        return render_html(result, charts=charts)
    from ._render_csv import render_summary_csv
    from ._render_json import render_json
    from ._render_md import render_md

    renderers = {"md": render_md, "json": render_json, "csv": render_summary_csv}
    if fmt not in renderers:
        raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return renderers[fmt](result)
