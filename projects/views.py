from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, HttpResponseNotFound, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import DetailView, ListView, TemplateView, View

from portal import cache, replica
from portal.findable import origin
from portal.release import RELEASE
from portal.templating import url as named_url

from . import exports, feeds, iati, snapshots
from .context_processors import shown_language
from .filters import MAX_CHOSEN, ProjectFilterSet
from .models import (
    CatalogueVersion,
    Fund,
    Funding,
    Organisation,
    PageContent,
    Participation,
    Project,
)
from .search import MAX_TERMS
from .templating import facet_options, render_shared, timeline_bars, timeline_table_rows
from .timeline import timeline_of

# How long the start page's main part is kept unused (a new catalogue version replaces it at once).
HOME_SECONDS = 60 * 60

# The columns a project list shows; nothing else is fetched for a list row.
LIST_COLUMNS = (
    "name",
    "slug",
    "acronym",
    "status",
    "summary",
    "agency_role",
    *Project.PERIOD_COLUMNS,
    "content_changed_on",
    "reviewed_on",
    "latest_end",
)


class HomeView(TemplateView):
    """The start page: the source page's introduction and its ongoing and closed projects."""

    template_name = "projects/home.html"
    # The start page reproduces the source page; a catalogue that grows far past it is
    # browsed in the project list, which the start page links to.
    projects_per_section = 25

    def get_context_data(self, **kwargs):
        # Everything but the page's frame is the same for every visitor: rendered once per release,
        # catalogue version and language, and kept (in this process and the shared cache).
        context = super().get_context_data(**kwargs)
        version = CatalogueVersion.objects.for_request(self.request)
        key = f"home:{RELEASE}:{version}:{translation.get_language()}"
        title, main = cache.read_or_compute_kept_here(key, self.shared_part, HOME_SECONDS)
        context["title"], context["main"] = title, mark_safe(main)  # noqa: S308 - rendered by shared_part()
        return context

    def shared_part(self):
        """The start page's title and its main part's HTML, as plain strings to be kept."""
        projects = (
            Project.objects.published()
            .only("name", "slug", "status", "summary", "description")
            .prefetch_related("documents")
            .order_by("position", "name_sv")
        )
        limit = self.projects_per_section
        ongoing = list(projects.ongoing()[: limit + 1])
        closed = list(projects.closed()[: limit + 1])
        page = PageContent.objects.select_related("newsletter").filter(key=PageContent.CATALOGUE_KEY).first()
        # The page's own heading where it is given in the page's language, else the site's name.
        title = (page and getattr(page, f"title_{translation.get_language()}")) or _("International projects")
        # The words of the contact text that lead to the contact page, in the language it is shown in.
        with translation.override(shown_language(page, "contact_text") if page else None):
            contact_phrase = _("Contact us")
        context = {
            "page": page,
            "title": title,
            "contact_phrase": contact_phrase,
            "ongoing": ongoing[:limit],
            "more_ongoing": len(ongoing) > limit,
            "closed": closed[:limit],
            "more_closed": len(closed) > limit,
        }
        return str(title), str(render_shared("projects/home_main.html", context))


class ForgivingPaginationMixin:
    """A page number out of range shows the nearest page and says so: never a 404 or a 500."""

    def paginate_queryset(self, queryset, page_size):
        paginator = Paginator(queryset, page_size)
        raw = self.request.GET.get("page", "1")
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number < 1:
            if raw != "1":
                messages.warning(self.request, _("The page number was not valid, so the first page is shown."))
            number = 1
        elif number > paginator.num_pages:
            messages.warning(
                self.request,
                _("There is no page %(asked)s; the last page, %(last)s, is shown.")
                % {"asked": number, "last": paginator.num_pages},
            )
            number = paginator.num_pages
        page = paginator.page(number)
        return paginator, page, page.object_list, page.has_other_pages()


class ProjectListView(ForgivingPaginationMixin, ListView):
    """Published projects, filterable by partner, fund, country, period and more, with facet counts."""

    template_name = "projects/project_list.html"
    paginate_by = 20
    columns = LIST_COLUMNS
    # Each project's entry as its snapshot keeps it (rendered from its row when it has none).
    fetch = staticmethod(snapshots.list_entries)

    def get_queryset(self):
        queryset = Project.objects.published().only(*self.columns)
        self.filterset = ProjectFilterSet(self.request.GET or None, queryset=queryset, request=self.request)
        return self.filterset.results(self.fetch)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        count = context["result_count"] = context["paginator"].count
        facets = self.shown_facets()
        context["active_filters"] = self.filterset.active_filters(facets)
        context["title"] = list_title([active["label"] for active in context["active_filters"]], count)
        context["canonical_query"] = self.filterset.canonical_query(page=context["page_obj"].number)
        context.update(self.around_results(context, facets, count))
        return context

    def shown_facets(self):
        """The facets as the page shows them: with their options' counts, in the filter form."""
        return self.filterset.facets()

    def around_results(self, context, facets, count):
        """What the list shows around its results: the filter form, its headings, the downloads and the feed.
        The sentences with a number in them are in the plural form the number takes."""
        chosen = len(context["active_filters"])
        feed_url, narrowed = feeds.feed_of_list(self.filterset)
        return {
            "facets": facets,
            "facet_options": facet_options,
            "skip_to_results": ngettext(
                "Skip to the result (%(counter)s project)", "Skip to the results (%(counter)s projects)", count
            )
            % {"counter": count},
            "results_heading": ngettext("%(counter)s project matches", "%(counter)s projects match", count)
            % {"counter": count},
            "filters_summary": (
                _("Filter projects (%(counter)s chosen)") % {"counter": chosen} if chosen else _("Filter projects")
            ),
            "search_cut_hint": ngettext(
                "Only the first word was searched for.",
                "Only the first %(counter)s words were searched for.",
                MAX_TERMS,
            )
            % {"counter": MAX_TERMS},
            "facet_cut_hint": ngettext(
                "Only the first choice was used.", "Only the first %(counter)s choices were used.", MAX_CHOSEN
            )
            % {"counter": MAX_CHOSEN},
            "timeline_url": same_query(self.request, "projects:timeline"),
            "exports": export_links(self.request, self.filterset, count) if count else [],
            "feed_url": feed_url,
            "feed_title": _("Feed of changes to these projects (Atom)")
            if narrowed
            else _("Feed of changes to all projects (Atom)"),
        }


class ProjectTimelineView(ProjectListView):
    """The list's projects, with its filters, order and pages, on a year axis and in a table."""

    template_name = "projects/project_timeline.html"
    # What a bar needs besides a list row: the earliest possible start; the rows themselves.
    columns = (*LIST_COLUMNS, "earliest_start")
    fetch = None

    def shown_facets(self):
        # No filter form: the filters in use are named, and nothing is counted.
        return self.filterset.chosen_facets()

    def around_results(self, context, facets, count):
        list_url = same_query(self.request, "projects:list")
        timeline = timeline_of(context["object_list"])
        return {
            "timeline": timeline,
            "timeline_bars": timeline_bars(timeline),
            "timeline_rows": timeline_table_rows(timeline),
            "summary": timeline_summary(self.filterset.selection),
            "title": _("Timeline: %(list)s") % {"list": context["title"]},
            "list_url": list_url,
            "crumbs": [{"label": _("All projects"), "url": list_url}, {"label": _("Timeline")}],
        }


def same_query(request, view_name):
    """The address of another view of the same projects: the list and its timeline take the same query."""
    query = request.GET.urlencode()
    return f"{reverse(view_name)}?{query}" if query else reverse(view_name)


# The formats a list downloads as, in the order its links offer them, with the names the links say.
EXPORT_NAMES = {"csv": "CSV", "xlsx": "Excel", "json": "JSON"}
# What a list's address may carry that is no filter: its page, and the long facets shown in full.
NOT_FILTERS = ("page", "visa")


def export_query(request, filterset):
    """The list's query string as its exports take it: its filters but those it could not use (they are
    ignored on the list and refused by an export), without its page."""
    query = request.GET.copy()
    for name in (*NOT_FILTERS, *filterset.form.errors):
        query.pop(name, None)
    return query.urlencode()


def export_links(request, filterset, count):
    """A download link for each format, with the list's filters, saying how many projects it holds."""
    query = export_query(request, filterset)
    links = []
    for export_format, name in EXPORT_NAMES.items():
        url = reverse("projects:export", kwargs={"format": export_format})
        text = ngettext(
            "Download as %(format)s (%(counter)s project)", "Download as %(format)s (%(counter)s projects)", count
        ) % {"format": name, "counter": count}
        links.append({"url": f"{url}?{query}" if query else url, "text": text})
    return links


def timeline_summary(selection):
    """The timeline in one sentence: "12 projekt mellan 2009 och 2019, varav 3 pågående"."""
    count = len(selection)
    if not count:
        return _("No projects match these filters.")
    first, last = selection.known_years()
    if first is None:
        scope = ngettext("%(counter)s project", "%(counter)s projects", count)
    elif first == last:
        scope = ngettext("%(counter)s project in %(first)s", "%(counter)s projects in %(first)s", count)
    else:
        scope = ngettext(
            "%(counter)s project between %(first)s and %(last)s",
            "%(counter)s projects between %(first)s and %(last)s",
            count,
        )
    scope %= {"counter": count, "first": first, "last": last}
    ongoing = selection.count_of("status", Project.Status.ONGOING)
    if count == 1:
        status = Project.Status.ONGOING.label if ongoing else Project.Status.CLOSED.label
    else:
        status = _("%(counter)s of them ongoing") % {"counter": ongoing}
    return _("%(scope)s, %(status)s.") % {"scope": scope, "status": status}


def list_title(filters, count):
    """The list page's title: what it shows and how many, "Projekt – AMIF, Serbien (3 träffar)"."""
    hits = ngettext("%(counter)s result", "%(counter)s results", count) % {"counter": count}
    if not filters:
        return f"{_('All projects')} ({hits})"
    return f"{_('Projects')} – {', '.join(str(label) for label in filters)} ({hits})"


def crumbs_to(label, language):
    """Breadcrumbs for a page under the project list: start page › all projects › this page, whose
    name is written in `language`."""
    lang = "" if language == translation.get_language() else language
    return [{"label": _("All projects"), "url": named_url("projects:list")}, {"label": label, "lang": lang}]


class BreadcrumbMixin:
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["crumbs"] = crumbs_to(str(self.object), shown_language(self.object, "name"))
        return context


class ProjectDetailView(TemplateView):
    """One published project with everyone and everything connected to it."""

    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slug, language = self.kwargs["slug"], translation.get_language()
        # Editors preview unpublished projects from the admin, as they are now; the public gets a 404.
        if self.request.user.has_perm("projects.view_project"):
            project = get_object_or_404(Project.objects.for_page(), slug=slug)
            page, context["is_preview"] = snapshots.render(project, [language]), not project.is_published
        else:
            # The public reads the page's snapshot, or the database and then keeps a snapshot, under
            # the catalogue version read before the data (snapshots.py).
            page, version = snapshots.read(slug)
            if not hasattr(self.request, "catalogue_version"):
                self.request.catalogue_version = version  # what the rest of the page reads under
            if page is None:
                project = get_object_or_404(Project.objects.published().for_page(), slug=slug)
                page = snapshots.keep([project], snapshots.version_number(version))[0]
        context.setdefault("is_preview", False)
        context.update(
            title=page.names[language],
            description=page.descriptions[language],
            crumbs=crumbs_to(page.names[language], page.name_languages[language]),
            article=page.article(language),
            structured_data=page.structured_data_script(language, origin(self.request)),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            response["Cache-Control"] = "private, no-store"
            response["X-Robots-Tag"] = "noindex"
        return response


class OrganisationDetailView(BreadcrumbMixin, DetailView):
    """A partner organisation and the published projects it took part in, with its role."""

    template_name = "projects/organisation_detail.html"
    context_object_name = "organisation"
    queryset = Organisation.objects.select_related("country")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["participations"] = (
            Participation.objects.filter(organisation=self.object, project__is_published=True)
            .select_related("project")
            .only("role", "note", "project__name_sv", "project__name_en", "project__slug", "project__status")
            .order_by("project__name_sv")
        )
        context["list_url"] = f"{reverse('projects:list')}?partner={self.object.slug}"
        context["feed_url"] = reverse("projects:partner-feed", args=[self.object.slug])
        return context


class FundDetailView(BreadcrumbMixin, DetailView):
    """A fund or funder and the published projects it paid for, with its share."""

    template_name = "projects/fund_detail.html"
    context_object_name = "fund"
    queryset = Fund.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parts"] = list(self.object.parts.all())
        context["fundings"] = (
            Funding.objects.filter(Q(fund=self.object) | Q(fund__parent=self.object), project__is_published=True)
            .select_related("project", "fund")
            .only(
                *("share", "note", "fund__name_sv", "fund__name_en", "fund__slug"),
                *("project__name_sv", "project__name_en", "project__slug", "project__status"),
            )
            .order_by("project__name_sv")
        )
        context["list_url"] = f"{reverse('projects:list')}?fund={self.object.slug}"
        context["feed_url"] = reverse("projects:fund-feed", args=[self.object.slug])
        return context


class AccessibilityStatementView(TemplateView):
    """The accessibility statement (tillgänglighetsredogörelse) that the DOS law requires."""

    def get_template_names(self):
        # The statement is a legal text written out in full in each language.
        return [f"projects/accessibility_{translation.get_language()}.html", "projects/accessibility_sv.html"]


class PrivacyView(TemplateView):
    """What the site stores about the people who use it, and for how long: the periods as configured,
    which `manage.py forget_old_records` keeps to."""

    def get_template_names(self):
        return [f"projects/privacy_{translation.get_language()}.html", "projects/privacy_sv.html"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            login_records_days=settings.LOGIN_RECORDS_DAYS,
            feedback_days=settings.FEEDBACK_DAYS,
            feedback_client_hours=settings.FEEDBACK_CLIENT_HOURS,
            session_hours=settings.SESSION_COOKIE_AGE // 3600,
            csrf_cookie_days=settings.CSRF_COOKIE_AGE // 86400,
            wrote_seconds=replica.WROTE_SECONDS,
            # The API's rate limit counts a client a window at a time, and the count goes with it (portal/ratelimit.py).
            api_rate_limit_window=settings.API_RATE_LIMIT_WINDOW + 1,
            **kwargs,
        )


class IatiActivitiesView(View):
    """The published catalogue as IATI 2.03 activities XML (projects/iati.py), narrowed by the project
    list's filters where they are asked for; streamed, a batch of projects at a time."""

    def get(self, request):
        filterset = ProjectFilterSet(request.GET or None, queryset=iati.exported_projects(), request=request)
        document = iati.ActivityWriter().document_if_valid(iati.in_batches(filterset.results()))
        if document is None:
            return HttpResponseNotFound(
                _("No published project matches these filters, and an IATI document holds at least one activity."),
                content_type="text/plain; charset=utf-8",
            )
        response = StreamingHttpResponse(document, content_type="application/xml; charset=utf-8")
        # The same for every visitor, in every language: kept as long as a public page.
        response["Cache-Control"] = f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}, must-revalidate"
        return response


class ProjectExportView(View):
    """The project list's whole result, with its filters and in its order, as a CSV, XLSX or JSON file to
    download (projects/exports.py); streamed, a batch of projects at a time."""

    def get(self, request, format):
        filterset = ProjectFilterSet(request.GET or None, queryset=exports.exported_projects(), request=request)
        if filterset.form.errors:
            # An export with a filter left out would be a file of other projects than were asked for.
            return export_refused(request, filterset)
        query = export_query(request, filterset)
        context = exports.Context.of(request, list_url=reverse("projects:list"), query=query)
        export = exports.FORMATS[format](context)
        headers = {
            # The same for every visitor: kept as long as a public page, never in the page cache (too big).
            "Cache-Control": f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}, must-revalidate",
            "ETag": export.etag(release=RELEASE),
            "X-Robots-Tag": "noindex",
        }
        not_modified = get_conditional_response(request, etag=headers["ETag"])
        if not_modified is not None:
            for name, value in headers.items():
                not_modified[name] = value
            return not_modified
        headers["Content-Disposition"] = content_disposition_header(True, export.filename)
        if request.method == "HEAD":
            return HttpResponse(content_type=export.content_type, headers=headers)
        chunks = export.chunks(filterset.results())
        return StreamingHttpResponse(chunks, content_type=export.content_type, headers=headers)


def export_refused(request, filterset):
    """The answer to an export asked for with filters that cannot be used: which, and why (400)."""
    form = filterset.form
    problems = [
        {"label": form[name].label if name in form.fields else "", "errors": [str(error) for error in errors]}
        for name, errors in form.errors.items()
    ]
    context = {"problems": problems, "list_url": same_query(request, "projects:list")}
    return render(request, "projects/export_refused.html", context, status=400)
