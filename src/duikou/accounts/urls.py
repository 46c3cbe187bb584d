from django.contrib.auth import views as auth_views
from django.urls import path

from . import otp, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("otp/enrol/", otp.enrol, name="otp_enrol"),
    path("otp/verify/", otp.verify, name="otp_verify"),
    path("plans/<int:pk>/provision/", views.provision, name="provision"),
]
