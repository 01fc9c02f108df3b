def problem_list(qs):
    return qs.select_related("subject", "subject__region")


def problem_detail(qs):
    return qs.select_related("subject", "subject__region", "created_by")
