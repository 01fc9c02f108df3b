"""Links from a dashboard figure to the subjects it counts (达标明细, dashboards:failing)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

from sanzero.rates import percent_text

register = template.Library()

OUTCOME_LINK_LABELS = {"passed": "查看达标主体", "failed": "查看未达标主体"}


@register.simple_tag
def subjects_url(region_code: str, month: str, group: str = "all", period: str = "ytd", outcome: str = "failed") -> str:
    """达标明细 of one region and month: the passing or failing subjects of a group and period."""
    query = {"region": region_code, "month": month, "group": "" if group == "all" else group or "", "period": period}
    return f"{reverse('dashboards:failing')}?{urlencode({**query, 'outcome': outcome})}"


@register.simple_tag
def rate_link(
    row, region_code: str, month: str, group: str = "all", period: str = "ytd", css: str = "", mark_below=False
) -> str:
    """A 达标率 as a link to the subjects it counts (the passing ones: passed / total), titled so;
    — when there is no row or no denominator (never 0%). ``mark_below``: red when below its target."""
    rate = getattr(row, "rate", None) if row is not None else None
    if rate is None:
        return "—"
    if mark_below and row.gap is not None and row.gap < 0:
        css = f"{css} link-danger".strip()
    label = OUTCOME_LINK_LABELS["passed"]
    return format_html(
        '<a class="{}" href="{}" title="{}（{}个）" aria-label="{}：{}，{}">{}</a>',
        css,
        subjects_url(region_code, month, group, period, "passed"),
        label,
        row.passed,
        "达标率",
        percent_text(rate),
        label,
        percent_text(rate),
    )
