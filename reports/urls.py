from django.urls import path

from . import views

app_name = "reports"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("paicha/", views.paicha, name="paicha"),
    path("paicha/submit/", views.paicha_submit, name="paicha_submit"),
]
