from django.urls import path

from . import views

app_name = "bulletins"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/refresh/", views.refresh, name="refresh"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/xlsx/", views.download, {"fmt": "xlsx"}, name="xlsx"),
    path("<int:pk>/pdf/", views.download, {"fmt": "pdf"}, name="pdf"),
]
