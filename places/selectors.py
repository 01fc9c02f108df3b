def place_list(qs):
    return qs.select_related("subject", "subject__region")


def place_detail(qs):
    return qs.select_related("subject", "subject__region", "created_by")
