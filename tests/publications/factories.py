import datetime

import factory

from publications import services
from publications.models import Article, Issue, Rubrique, Subscriber


class RubriqueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubrique
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Rubrique {n}")
    slug = factory.Sequence(lambda n: f"rubrique-{n}")


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    number = factory.Sequence(lambda n: 100 + n)
    season = "Hiver 2018"
    date = factory.Sequence(lambda n: datetime.date(2018, 1, 15) + datetime.timedelta(days=91 * n))
    title = "Territoires de Projets"
    status = Issue.Status.PUBLISHED
    visibility = Issue.Visibility.PUBLIC


class ArticleFactory(factory.django.DjangoModelFactory):
    """Saved through services.article_save, as everywhere else (rendered HTML and search vector)."""

    class Meta:
        model = Article

    issue = factory.SubFactory(IssueFactory)
    rubrique = factory.SubFactory(RubriqueFactory)
    order = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"article-{n}")
    title = factory.Sequence(lambda n: f"Article numéro {n}")
    chapeau = "Un chapeau qui résume l’article."
    body = "Le texte complet de l’article, réservé aux lecteurs autorisés."
    authors = factory.LazyFunction(lambda: [{"name": "Autrice Fictive", "role": "rédaction (exemple)"}])
    quotes = factory.LazyFunction(list)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.article_save(article=model_class(*args, **kwargs))


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"lecteur{n}@exemple.fr")
    token = factory.Sequence(lambda n: f"jeton-{n:040d}")
    confirmed_at = factory.Faker("date_time_this_year", tzinfo=datetime.UTC)
