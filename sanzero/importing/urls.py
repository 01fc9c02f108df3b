from django.urls import path

from . import views

app_name = "importing"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.history, name="history"),
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/file/", views.download, name="download"),
    path("template/<slug:kind>.xlsx", views.template, name="template"),
]
