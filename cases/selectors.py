def case_list(qs):
    return qs.select_related("subject", "subject__region")


def case_detail(qs):
    return qs.select_related("subject", "subject__region", "created_by")
