from django.urls import path

from . import views

app_name = "reports"

urlpatterns: list = [
    path("", views.index, name="index"),
]
