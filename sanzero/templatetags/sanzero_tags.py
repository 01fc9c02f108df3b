from django import template

from sanzero.rates import percent_text, points_text

register = template.Library()


@register.filter
def pct(value, digits: int = 1):
    """0.962 → 96.2%; an empty rate stays empty (—), never 0% (DESIGN §5); a Rate never shows 100.0%
    while a subject fails (sanzero.rates)."""
    return percent_text(value, digits)


@register.filter
def gap(value):
    """A rate difference in percentage points: +1.2 / −3.4 (— when unknown), rounded as pct rounds."""
    return points_text(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def holiday_notice_this_and_next(context):
    """The uncovered-year warning for this year and next (the Django admin's index page)."""
    from sanzero.holidays.selectors import holiday_notice, this_and_next_year

    request = context.get("request")
    return holiday_notice(request.user, this_and_next_year()) if request is not None else None
