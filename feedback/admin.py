from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Feedback

COMMENT_EXCERPT_LENGTH = 80


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """The editors' inbox of page feedback: unread first, newest first; only "read" can be changed."""

    list_display = ["created", "page_link", "answer", "comment_excerpt", "is_read"]
    list_display_links = ["created"]
    list_filter = ["is_read", "answer", "page", "language"]
    search_fields = ["page", "comment"]
    date_hierarchy = "created"
    ordering = ["is_read", "-created"]
    fields = ["created", "page_link", "answer", "language", "comment", "is_read"]
    # What the visitor sent is a record and stays as it came; the client hash is of no use to editors.
    readonly_fields = ["created", "page_link", "answer", "language", "comment"]
    actions = ["mark_as_read", "mark_as_unread"]

    def has_add_permission(self, request):
        # Feedback comes from visitors through the form on each page, never from the admin.
        return False

    @admin.display(description=_("page"), ordering="page")
    def page_link(self, feedback):
        # The form stores only paths on this site; anything else is shown but not linked.
        if not feedback.page.startswith("/") or feedback.page.startswith("//"):
            return feedback.page
        return format_html('<a href="{}">{}</a>', feedback.page, feedback.page)

    @admin.display(description=_("comment"))
    def comment_excerpt(self, feedback):
        # Returned as plain text: the admin escapes it, as it must with what a visitor wrote.
        return Truncator(feedback.comment).chars(COMMENT_EXCERPT_LENGTH)

    @admin.action(description=_("Mark selected feedback as read"), permissions=["change"])
    def mark_as_read(self, request, queryset):
        self.report_marked(request, queryset.update(is_read=True), read=True)

    @admin.action(description=_("Mark selected feedback as unread"), permissions=["change"])
    def mark_as_unread(self, request, queryset):
        self.report_marked(request, queryset.update(is_read=False), read=False)

    def report_marked(self, request, count, *, read):
        if read:
            message = ngettext("%(count)d answer marked as read.", "%(count)d answers marked as read.", count)
        else:
            message = ngettext("%(count)d answer marked as unread.", "%(count)d answers marked as unread.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)
