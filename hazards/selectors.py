def hazard_list(qs):
    return qs.select_related("subject", "subject__region")


def hazard_detail(qs):
    return qs.select_related("subject", "subject__region", "rectified_by", "accepted_by", "created_by")


def accident_list(qs):
    return qs.select_related("subject", "subject__region")
