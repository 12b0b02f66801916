import datetime

import factory
from django.utils import timezone

from members.models import Survey
from members.services.questionnaire import questionnaire_from_definition

# A fictitious two-section enquête (not an ANPP text).
TWO_SECTIONS = [
    {
        "slug": "contrats",
        "title": "Contrats de ruralité",
        "questions": [
            {
                "key": "crte_signe",
                "label": "Votre territoire a-t-il signé un CRTE ?",
                "kind": "yes_no",
                "required": True,
            },
            {"key": "crte_montant", "label": "Montant engagé", "kind": "amount"},
        ],
    },
    {
        "slug": "codev",
        "title": "Conseil de développement",
        "questions": [
            {
                "key": "codev_membres",
                "label": "Nombre de membres du conseil",
                "kind": "integer",
                "min_value": 0,
            },
            {"key": "codev_remarques", "label": "Remarques", "kind": "long_text"},
        ],
    },
]


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey
        skip_postgeneration_save = True

    kind = Survey.Kind.ENQUETE
    title = factory.Sequence(lambda n: f"Enquête fictive n°{n}")
    year = factory.LazyAttribute(lambda o: o.opens_on.year)
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    closes_on = factory.LazyAttribute(lambda o: o.opens_on + datetime.timedelta(days=60))
    reminder_days_not_started = [10, 20]
    reminder_days_not_submitted = [20]

    @factory.post_generation
    def questions(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            questionnaire_from_definition(campaign=obj, definition=extracted or TWO_SECTIONS)
