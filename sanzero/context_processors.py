from django.urls import reverse

from .registry import NAV_GROUP_ICONS, NAV_ITEMS


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = "admin" if user.is_admin_role else user.role
    items: list[dict] = []
    groups: dict[str, dict] = {}
    matched: list[tuple[str, dict]] = []
    for item in NAV_ITEMS:
        if role in item.roles or role == "admin":
            url = reverse(item.url_name)
            prefix = item.match or url
            active = request.path == url if prefix == "/" else request.path.startswith(prefix)
            entry = {"label": item.label, "url": url, "icon": item.icon, "active": active, "children": []}
            if active:
                matched.append((prefix, entry))
            if item.group:
                group = groups.get(item.group)
                if group is None:
                    group = {
                        "label": item.group,
                        "icon": NAV_GROUP_ICONS.get(item.group, item.icon),
                        "url": "",
                        "active": False,
                        "children": [],
                    }
                    groups[item.group] = group
                    items.append(group)
                group["children"].append(entry)
            else:
                items.append(entry)
    # Only the most specific match is active (/hazards/acceptance/ is 待我验收, not also 安全隐患).
    longest = max((len(prefix) for prefix, _ in matched), default=0)
    for prefix, entry in matched:
        entry["active"] = len(prefix) == longest
    for group in groups.values():
        group["active"] = any(child["active"] for child in group["children"])
    # A group the role sees one item of is that item, not a dropdown of one.
    items = [item["children"][0] if len(item["children"]) == 1 else item for item in items]
    return {"nav_items": items, "user_role_label": user.get_role_display()}
