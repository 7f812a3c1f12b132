app_name = "kobo"

urlpatterns = []
