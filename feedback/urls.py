from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.AnswerView.as_view(), name="answer"),
    path("kommentar/", views.CommentView.as_view(), name="comment"),
]
