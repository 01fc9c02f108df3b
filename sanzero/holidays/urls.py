from django.urls import path

from . import views

app_name = "holidays"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/delete/", views.delete_day, name="delete_day"),
    path("year/<int:year>/delete/", views.delete_year, name="delete_year"),
    path("recompute/", views.recompute, name="recompute"),
]
