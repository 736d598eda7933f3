from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView

from .models import PageContent, Project

PAGE_KEY = "internationella-projekt"


class HomeView(TemplateView):
    """The start page: the source page's introduction and its ongoing and closed projects."""

    template_name = "projects/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = PageContent.objects.select_related("newsletter").filter(key=PAGE_KEY).first()
        projects = (
            Project.objects.published()
            .only("name", "slug", "status", "summary", "description")
            .prefetch_related("documents")
            .order_by("pk")
        )
        context["page"] = page
        context["ongoing"] = [p for p in projects if p.status == Project.Status.ONGOING]
        context["closed"] = [p for p in projects if p.status == Project.Status.CLOSED]
        return context


class ProjectDetailView(DetailView):
    """One published project."""

    def get_object(self, queryset=None):
        return get_object_or_404(Project.objects.published(), slug=self.kwargs["slug"])
