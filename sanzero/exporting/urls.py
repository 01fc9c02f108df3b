app_name = "exporting"

urlpatterns: list = []
