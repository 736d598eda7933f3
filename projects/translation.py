"""The content fields editors can give in English as well as in Swedish (django-modeltranslation).

Each field named here gets a column per language (`name_sv`, `name_en`) on its own row, so a page
reads its text in the same query as the rest of the row. The field under its plain name (`name`)
gives the text in the active language, or the Swedish text where no English is given
(MODELTRANSLATION_FALLBACK_LANGUAGES). Its own column keeps whichever language was active at the
last save: code that must not depend on the page's language (sorting, the search index, the
loader) reads `name_sv` by name.

The history of these models is registered here, after their translations, so that it keeps every
language's column.
"""

from modeltranslation.translator import TranslationOptions, translator
from simple_history import register

from .models import Framework, Fund, Organisation, PageContent, Project


class NameAndDescription(TranslationOptions):
    fields = ("name", "description")


class ProjectTexts(TranslationOptions):
    fields = ("name", "summary", "description")


class PageTexts(TranslationOptions):
    fields = (
        "title",
        "introduction",
        "newsletter_heading",
        "contact_text",
        "feedback_question",
        "feedback_thanks_answer",
        "feedback_comment_prompt",
        "feedback_thanks_comment",
    )


translator.register([Framework, Organisation, Fund], NameAndDescription)
translator.register(Project, ProjectTexts)
translator.register(PageContent, PageTexts)

for model in (Framework, Organisation, Fund, PageContent):
    register(model)
register(Project, excluded_fields=["page_version"])
