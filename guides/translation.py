"""Which texts of a guide editors translate (django-modeltranslation): every text a visitor
reads, each with one column per language of settings.LANGUAGES beside it (`title_de`,
`title_fr`, …). English (`title_en`) is the source.

Why django-modeltranslation rather than django-parler: the translations are columns of the
rows a page already reads, so a page costs the same queries in every language, and a
guide's export, revisions and phone guard see them as the plain fields they are. Parler
keeps them in tables of their own, which every page would join or prefetch.

Reading `step.title` gives the text in the active language, falling back to English; code
that means one language names its column (`title_en`). Guide files, revisions and the
importer do (guides/files/).
"""

from modeltranslation.translator import TranslationOptions, register

from guides.models import (
    Category,
    OfficialContact,
    Provider,
    ProviderNote,
    PurchaseChannel,
    Question,
    RightsNote,
    Route,
    Step,
)


@register(Category)
class CategoryTexts(TranslationOptions):
    fields = ("name", "description")


@register(Provider)
class ProviderTexts(TranslationOptions):
    fields = ("summary", "aliases", "first_question")


@register(Route)
class RouteTexts(TranslationOptions):
    fields = ("label", "question")


@register(Step)
class StepTexts(TranslationOptions):
    fields = ("title", "body", "link_label", "email_subject", "email_body")


@register(ProviderNote)
class NoteTexts(TranslationOptions):
    fields = ("title", "body")


@register(Question)
class QuestionTexts(TranslationOptions):
    fields = ("question", "answer")


@register(PurchaseChannel)
class ChannelTexts(TranslationOptions):
    fields = ("name", "hint", "variant_question")


@register(OfficialContact)
class ContactTexts(TranslationOptions):
    fields = ("label",)


@register(RightsNote)
class RightsNoteTexts(TranslationOptions):
    fields = ("title", "body")
