"""The fiche de renseignements becomes one kind of survey: its tables are renamed in place (rows,
primary keys and audit trail kept), its campaigns marked as fiches, and surveys gain an audience,
a title and their other settings. The fiche keeps its names as proxy models."""

from importlib import import_module

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def staff_group_gets_survey_permissions(apps, schema_editor):
    """The group « Équipe ANPP » gets the permissions of the new and proxy models (as 0013 made it)."""
    import_module("members.migrations.0013_staff_group").create_staff_group(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0021_payments_and_call_numbers_moved_to_billing"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("FicheCampaign", "Survey"),
        migrations.RenameModel("FicheRenseignements", "SurveyResponse"),
        migrations.RenameModel("HistoricalFicheRenseignements", "HistoricalSurveyResponse"),
        # Every campaign so far is a fiche's: the column is added with that value, then defaults
        # to an enquête.
        migrations.AddField(
            model_name="survey",
            name="kind",
            field=models.CharField(
                choices=[("fiche", "Fiche de renseignements"), ("enquete", "Enquête")],
                default="fiche",
                max_length=10,
                verbose_name="type",
            ),
        ),
        migrations.AlterField(
            model_name="survey",
            name="kind",
            field=models.CharField(
                choices=[("fiche", "Fiche de renseignements"), ("enquete", "Enquête")],
                default="enquete",
                max_length=10,
                verbose_name="type",
            ),
        ),
        migrations.AddField(
            model_name="survey",
            name="title",
            field=models.CharField(blank=True, max_length=200, verbose_name="titre"),
        ),
        migrations.AddField(
            model_name="survey",
            name="audience",
            field=models.CharField(
                choices=[
                    ("adherents", "Territoires adhérents (filtrés ci-dessous)"),
                    ("liste", "Territoires choisis un à un"),
                ],
                default="adherents",
                max_length=10,
                verbose_name="territoires interrogés",
            ),
        ),
        migrations.AddField(
            model_name="survey",
            name="regions",
            field=models.JSONField(blank=True, default=list, verbose_name="régions (toutes si aucune)"),
        ),
        migrations.AddField(
            model_name="survey",
            name="territory_kinds",
            field=models.JSONField(
                blank=True, default=list, verbose_name="natures juridiques (toutes si aucune)"
            ),
        ),
        migrations.AddField(
            model_name="survey",
            name="adhesion_statuses",
            field=models.JSONField(
                blank=True, default=list, verbose_name="statuts de l'adhésion de l'année (adhérents si aucun)"
            ),
        ),
        migrations.AddField(
            model_name="survey",
            name="territories",
            field=models.ManyToManyField(
                blank=True,
                related_name="chosen_surveys",
                to="members.territory",
                verbose_name="territoires choisis",
            ),
        ),
        migrations.AddField(
            model_name="survey",
            name="one_per_person",
            field=models.BooleanField(
                default=False,
                help_text="Sinon, une seule réponse par territoire, remplie par ses référents et membres.",
                verbose_name="une réponse par personne",
            ),
        ),
        migrations.AddField(
            model_name="survey",
            name="prefill",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Aucun préremplissage"),
                    ("fiche", "Depuis la dernière fiche de renseignements soumise"),
                    ("enquete", "Depuis une enquête précédente"),
                ],
                default="",
                max_length=10,
                verbose_name="préremplissage",
            ),
        ),
        migrations.AddField(
            model_name="survey",
            name="prefill_from",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="members.survey",
                verbose_name="enquête source du préremplissage",
            ),
        ),
        migrations.AlterField(
            model_name="survey",
            name="year",
            field=models.PositiveSmallIntegerField(
                validators=[
                    django.core.validators.MinValueValidator(2000),
                    django.core.validators.MaxValueValidator(2100),
                ],
                verbose_name="année",
            ),
        ),
        migrations.AddConstraint(
            model_name="survey",
            constraint=models.UniqueConstraint(
                models.F("year"),
                condition=models.Q(("kind", "fiche")),
                name="survey_one_fiche_campaign_a_year",
                violation_error_message="Il existe déjà une campagne de fiches de renseignements cette année.",
            ),
        ),
        migrations.AlterModelOptions(
            name="survey",
            options={
                "ordering": ["-year", "-opens_on", "-pk"],
                "verbose_name": "enquête",
                "verbose_name_plural": "enquêtes",
            },
        ),
        migrations.AlterField(
            model_name="surveyresponse",
            name="territory",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="survey_responses",
                to="members.territory",
                verbose_name="territoire",
            ),
        ),
        migrations.AlterField(
            model_name="surveyresponse",
            name="campaign",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="responses",
                to="members.survey",
                verbose_name="campagne",
            ),
        ),
        migrations.AddField(
            model_name="surveyresponse",
            name="person",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="survey_responses",
                to=settings.AUTH_USER_MODEL,
                verbose_name="personne",
            ),
        ),
        migrations.AddField(
            model_name="historicalsurveyresponse",
            name="person",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="personne",
            ),
        ),
        migrations.RemoveConstraint(model_name="surveyresponse", name="fiche_one_per_territory_and_year"),
        migrations.AddConstraint(
            model_name="surveyresponse",
            constraint=models.UniqueConstraint(
                models.F("territory"),
                models.F("campaign"),
                condition=models.Q(("person__isnull", True)),
                name="fiche_one_per_territory_and_year",
            ),
        ),
        migrations.AddConstraint(
            model_name="surveyresponse",
            constraint=models.UniqueConstraint(
                models.F("territory"),
                models.F("campaign"),
                models.F("person"),
                condition=models.Q(("person__isnull", False)),
                name="survey_response_one_per_person",
            ),
        ),
        migrations.AlterModelOptions(
            name="surveyresponse",
            options={
                "ordering": ["-campaign__year", "territory__name"],
                "verbose_name": "réponse à une enquête",
                "verbose_name_plural": "réponses aux enquêtes",
            },
        ),
        migrations.AlterModelOptions(
            name="historicalsurveyresponse",
            options={
                "get_latest_by": ("history_date", "history_id"),
                "ordering": ("-history_date", "-history_id"),
                "verbose_name": "historical réponse à une enquête",
                "verbose_name_plural": "historical réponses aux enquêtes",
            },
        ),
        migrations.CreateModel(
            name="FicheCampaign",
            fields=[],
            options={
                "verbose_name": "campagne de fiches de renseignements",
                "verbose_name_plural": "campagnes de fiches de renseignements",
                "ordering": ["-year"],
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("members.survey",),
        ),
        migrations.CreateModel(
            name="FicheRenseignements",
            fields=[],
            options={
                "verbose_name": "fiche de renseignements",
                "verbose_name_plural": "fiches de renseignements",
                "ordering": ["-campaign__year", "territory__name"],
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("members.surveyresponse",),
        ),
        migrations.RunPython(staff_group_gets_survey_permissions, migrations.RunPython.noop),
    ]
