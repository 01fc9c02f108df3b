"""{% region_picker region %}: a search-as-you-type region picker for a page's own GET form (the
dashboards' header), named "region", with the chosen region selected; its scripts come with it."""

from django import template
from django.utils.html import format_html

from units.filtersets import FILTER_REGION_LEVELS
from units.forms import RegionPickForm

register = template.Library()


@register.simple_tag(takes_context=True)
def region_picker(context, region, label="切换区划"):
    form = RegionPickForm(
        initial={"region": region.code if region else ""},
        user=context["request"].user,
        levels=FILTER_REGION_LEVELS,
        label=label,
        empty_label="输入区划名称或代码",
        css="form-select form-select-sm",
    )
    bound = form["region"]
    bound.field.picked = region  # the page's own region (already scoped): shown without querying it again
    bound.field.widget.attrs["aria-label"] = label
    return format_html("{}{}", bound, form.media["js"])
