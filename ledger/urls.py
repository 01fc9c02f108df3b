"""The URLs of a ledger (DESIGN §7: /<prefix>/, new/, <id>/, <id>/edit/, <id>/do/<step>/), the
printable pages of an entry (<id>/print/ 登记表, <id>/notice/ 督办通知书, its detail view's) and its
attachments (<id>/attachments/, …/<aid>/ download, …/<aid>/thumb/, …/<aid>/delete/)."""

from django.urls import path


def ledger_urls(prefix: str, name: str, *, list_view, form_view, detail_view, transition_view) -> list:
    """``ledger_urls("cases", "case", list_view=…, …)`` → cases/ (case_list), cases/new/ (case_create),
    cases/<pk>/ (case_detail), cases/<pk>/edit/ (case_edit), cases/<pk>/do/<name>/ (case_transition),
    and the attachment URLs (case_attachment_add, case_attachment, case_attachment_thumb,
    case_attachment_delete), scoped by the detail view's model."""
    from .views import AttachmentDeleteView, AttachmentDownloadView, AttachmentUploadView

    on = {"model": detail_view.model, "detail_view": detail_view}
    return [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}/new/", form_view.as_view(), name=f"{name}_create"),
        path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=f"{name}_detail"),
        path(f"{prefix}/<int:pk>/print/", detail_view.as_view(page="print"), name=f"{name}_print"),
        path(f"{prefix}/<int:pk>/notice/", detail_view.as_view(page="notice"), name=f"{name}_notice"),
        path(f"{prefix}/<int:pk>/edit/", form_view.as_view(), name=f"{name}_edit"),
        path(f"{prefix}/<int:pk>/do/<slug:name>/", transition_view.as_view(), name=f"{name}_transition"),
        path(f"{prefix}/<int:pk>/attachments/", AttachmentUploadView.as_view(**on), name=f"{name}_attachment_add"),
        path(
            f"{prefix}/<int:pk>/attachments/<int:aid>/",
            AttachmentDownloadView.as_view(**on),
            name=f"{name}_attachment",
        ),
        path(
            f"{prefix}/<int:pk>/attachments/<int:aid>/thumb/",
            AttachmentDownloadView.as_view(**on, thumbnail=True),
            name=f"{name}_attachment_thumb",
        ),
        path(
            f"{prefix}/<int:pk>/attachments/<int:aid>/delete/",
            AttachmentDeleteView.as_view(**on),
            name=f"{name}_attachment_delete",
        ),
    ]
