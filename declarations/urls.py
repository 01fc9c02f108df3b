from django.urls import path

from . import views

app_name = "declarations"

urlpatterns = [
    path("", views.board, name="board"),
    path("declare/", views.declare, name="declare"),
    path("silent/", views.SilentSubjectsView.as_view(), name="silent"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
