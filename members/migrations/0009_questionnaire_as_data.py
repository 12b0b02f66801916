"""The fiche's questionnaire, defined in code until now (members/questionnaire.py), becomes data: every
existing campaign gets the sections and questions it was answered with, under the same keys, so that
no answer is lost or changed (answers are JSON on the fiche and are not touched here).

The definition below is a frozen copy: later changes to members/questionnaire_default.py must not
change what this migration writes.
"""

from django.db import migrations

QUESTIONNAIRE_2018 = [
    {
        "slug": "identite",
        "title": "Identité",
        "questions": [
            {"key": "nom", "label": "Nom de la structure", "kind": "text", "required": True},
            {
                "key": "forme_juridique",
                "label": "Forme juridique",
                "kind": "choice",
                "required": True,
                "choices": [
                    ["petr", "PETR"],
                    ["syndicat_mixte", "Syndicat mixte"],
                    ["association", "Association"],
                    ["gip", "GIP"],
                    ["epci", "EPCI"],
                    ["autre", "Autre"],
                ],
            },
            {"key": "siren", "label": "SIREN", "kind": "siren", "help_text": "9 chiffres.", "required": True},
            {
                "key": "annee_creation",
                "label": "Année de création",
                "kind": "integer",
                "min_value": 1950,
                "max_value": 2100,
            },
            {"key": "adresse", "label": "Adresse", "kind": "long_text"},
            {"key": "site_internet", "label": "Site internet", "kind": "url"},
            {"key": "email_contact", "label": "Email de contact", "kind": "email", "required": True},
            {"key": "telephone", "label": "Téléphone", "kind": "phone"},
        ],
    },
    {
        "slug": "perimetre",
        "title": "Périmètre",
        "questions": [
            {
                "key": "nombre_communes",
                "label": "Nombre de communes",
                "kind": "integer",
                "required": True,
                "min_value": 0,
                "max_value": 5000,
            },
            {
                "key": "population",
                "label": "Population",
                "kind": "integer",
                "help_text": "Population totale du territoire.",
                "required": True,
                "min_value": 0,
                "max_value": 15000000,
            },
            {
                "key": "annee_population",
                "label": "Année de la population",
                "kind": "integer",
                "required": True,
                "min_value": 1990,
                "max_value": 2100,
            },
            {
                "key": "epci",
                "label": "EPCI membres",
                "kind": "rows",
                "help_text": "Une ligne par EPCI membre du territoire.",
                "columns": [
                    {"key": "nom", "label": "Nom de l'EPCI", "kind": "text"},
                    {"key": "siren", "label": "SIREN", "kind": "siren"},
                    {
                        "key": "nombre_communes",
                        "label": "Communes",
                        "kind": "integer",
                        "min_value": 0,
                        "max_value": 5000,
                    },
                    {
                        "key": "population",
                        "label": "Population",
                        "kind": "integer",
                        "min_value": 0,
                        "max_value": 15000000,
                    },
                ],
            },
        ],
    },
    {
        "slug": "gouvernance",
        "title": "Gouvernance",
        "questions": [
            {"key": "president_nom", "label": "Président(e)", "kind": "text", "required": True},
            {
                "key": "president_mandat",
                "label": "Mandat du président",
                "kind": "text",
                "help_text": "Par exemple 2020-2026.",
            },
            {
                "key": "vice_presidents",
                "label": "Vice-président(e)s",
                "kind": "long_text",
                "help_text": "Un nom par ligne, avec sa délégation.",
            },
            {
                "key": "codev_existe",
                "label": "Un conseil de développement existe-t-il ?",
                "kind": "yes_no",
                "required": True,
            },
            {
                "key": "codev_membres",
                "label": "Nombre de membres du conseil de développement",
                "kind": "integer",
                "min_value": 0,
                "max_value": 100000,
            },
            {
                "key": "codev_partage_epci",
                "label": "Conseil de développement partagé avec un EPCI ?",
                "kind": "yes_no",
            },
            {
                "key": "bureau_taille",
                "label": "Nombre de membres du bureau",
                "kind": "integer",
                "min_value": 0,
                "max_value": 100000,
            },
            {
                "key": "assemblee_taille",
                "label": "Nombre de membres de l'assemblée (comité syndical, conseil)",
                "kind": "integer",
                "required": True,
                "min_value": 0,
                "max_value": 100000,
            },
        ],
    },
    {
        "slug": "equipe",
        "title": "Équipe",
        "questions": [
            {"key": "directeur_nom", "label": "Directeur / directrice", "kind": "text", "required": True},
            {"key": "directeur_email", "label": "Email du directeur", "kind": "email"},
            {"key": "directeur_telephone", "label": "Téléphone du directeur", "kind": "phone"},
            {"key": "etp", "label": "Équipe (équivalents temps plein)", "kind": "decimal", "required": True},
            {
                "key": "postes_thematiques",
                "label": "Postes thématiques",
                "kind": "long_text",
                "help_text": "Un poste par ligne (ex. : chargée de mission LEADER).",
            },
        ],
    },
    {
        "slug": "budget",
        "title": "Budget",
        "questions": [
            {
                "key": "budget_fonctionnement",
                "label": "Budget de fonctionnement de l'année (€)",
                "kind": "amount",
                "required": True,
            },
            {
                "key": "budget_investissement",
                "label": "Budget d'investissement de l'année (€)",
                "kind": "amount",
            },
        ],
    },
    {
        "slug": "contractualisation",
        "title": "Contractualisation et programmes",
        "questions": [
            {
                "key": "contrat_ruralite_porte",
                "label": "Contrat de ruralité / CRTE : porté par le territoire ?",
                "kind": "yes_no",
                "required": True,
            },
            {
                "key": "contrat_ruralite_periode",
                "label": "Contrat de ruralité / CRTE : période",
                "kind": "text",
                "help_text": "Par exemple 2017-2020.",
            },
            {
                "key": "contrat_ruralite_montant",
                "label": "Contrat de ruralité / CRTE : montant (€)",
                "kind": "amount",
            },
            {
                "key": "contrat_ruralite_contact",
                "label": "Contrat de ruralité / CRTE : contact",
                "kind": "text",
            },
            {
                "key": "leader_porte",
                "label": "LEADER : porté par le territoire ?",
                "kind": "yes_no",
                "required": True,
            },
            {
                "key": "leader_periode",
                "label": "LEADER : période",
                "kind": "text",
                "help_text": "Par exemple 2017-2020.",
            },
            {"key": "leader_montant", "label": "LEADER : montant (€)", "kind": "amount"},
            {"key": "leader_contact", "label": "LEADER : contact", "kind": "text"},
            {
                "key": "scot_porte",
                "label": "SCoT : porté par le territoire ?",
                "kind": "yes_no",
                "required": True,
            },
            {
                "key": "scot_periode",
                "label": "SCoT : période",
                "kind": "text",
                "help_text": "Par exemple 2017-2020.",
            },
            {"key": "scot_montant", "label": "SCoT : montant (€)", "kind": "amount"},
            {"key": "scot_contact", "label": "SCoT : contact", "kind": "text"},
            {
                "key": "pcaet_porte",
                "label": "PCAET : porté par le territoire ?",
                "kind": "yes_no",
                "required": True,
            },
            {
                "key": "pcaet_periode",
                "label": "PCAET : période",
                "kind": "text",
                "help_text": "Par exemple 2017-2020.",
            },
            {"key": "pcaet_montant", "label": "PCAET : montant (€)", "kind": "amount"},
            {"key": "pcaet_contact", "label": "PCAET : contact", "kind": "text"},
            {
                "key": "tepcv_porte",
                "label": "TEPCV : porté par le territoire ?",
                "kind": "yes_no",
                "required": True,
            },
            {
                "key": "tepcv_periode",
                "label": "TEPCV : période",
                "kind": "text",
                "help_text": "Par exemple 2017-2020.",
            },
            {"key": "tepcv_montant", "label": "TEPCV : montant (€)", "kind": "amount"},
            {"key": "tepcv_contact", "label": "TEPCV : contact", "kind": "text"},
            {
                "key": "cls_porte",
                "label": "Contrat local de santé : porté par le territoire ?",
                "kind": "yes_no",
                "required": True,
            },
            {
                "key": "cls_periode",
                "label": "Contrat local de santé : période",
                "kind": "text",
                "help_text": "Par exemple 2017-2020.",
            },
            {"key": "cls_montant", "label": "Contrat local de santé : montant (€)", "kind": "amount"},
            {"key": "cls_contact", "label": "Contrat local de santé : contact", "kind": "text"},
            {
                "key": "reciprocite_porte",
                "label": "Contrat de réciprocité : porté par le territoire ?",
                "kind": "yes_no",
                "required": True,
            },
            {
                "key": "reciprocite_periode",
                "label": "Contrat de réciprocité : période",
                "kind": "text",
                "help_text": "Par exemple 2017-2020.",
            },
            {"key": "reciprocite_montant", "label": "Contrat de réciprocité : montant (€)", "kind": "amount"},
            {"key": "reciprocite_contact", "label": "Contrat de réciprocité : contact", "kind": "text"},
            {
                "key": "contrat_regional_porte",
                "label": "Contrat régional : porté par le territoire ?",
                "kind": "yes_no",
                "required": True,
            },
            {
                "key": "contrat_regional_periode",
                "label": "Contrat régional : période",
                "kind": "text",
                "help_text": "Par exemple 2017-2020.",
            },
            {"key": "contrat_regional_montant", "label": "Contrat régional : montant (€)", "kind": "amount"},
            {"key": "contrat_regional_contact", "label": "Contrat régional : contact", "kind": "text"},
            {
                "key": "autre_contrat_porte",
                "label": "Autre contrat : porté par le territoire ?",
                "kind": "yes_no",
            },
            {
                "key": "autre_contrat_periode",
                "label": "Autre contrat : période",
                "kind": "text",
                "help_text": "Par exemple 2017-2020.",
            },
            {"key": "autre_contrat_montant", "label": "Autre contrat : montant (€)", "kind": "amount"},
            {"key": "autre_contrat_contact", "label": "Autre contrat : contact", "kind": "text"},
            {
                "key": "leader_gal",
                "label": "LEADER : le territoire est-il porteur du GAL ?",
                "kind": "yes_no",
            },
            {
                "key": "scot_stade",
                "label": "SCoT : stade",
                "kind": "choice",
                "choices": [
                    ["elaboration", "En élaboration"],
                    ["approuve", "Approuvé"],
                    ["revision", "En révision"],
                ],
            },
            {
                "key": "reciprocite_metropole",
                "label": "Contrat de réciprocité : avec quelle métropole ?",
                "kind": "text",
            },
        ],
    },
    {
        "slug": "projets",
        "title": "Projets phares et commentaires",
        "questions": [
            {
                "key": "projets_phares",
                "label": "Projets phares",
                "kind": "long_text",
                "help_text": "Deux ou trois projets qui illustrent l'action du territoire.",
                "required": True,
            },
            {"key": "commentaires", "label": "Commentaires libres", "kind": "long_text"},
        ],
    },
]


def _question(Question, section, data, order, parent=None):
    return Question(
        section=section,
        parent=parent,
        key=data["key"],
        label=data["label"],
        help_text=data.get("help_text", ""),
        kind=data["kind"],
        required=data.get("required", False),
        choices=[list(choice) for choice in data.get("choices", [])],
        min_value=data.get("min_value"),
        max_value=data.get("max_value"),
        order=order,
    )


def questionnaire_to_data(apps, schema_editor):
    FicheCampaign = apps.get_model("members", "FicheCampaign")
    QuestionnaireSection = apps.get_model("members", "QuestionnaireSection")
    Question = apps.get_model("members", "Question")
    for campaign in FicheCampaign.objects.all():
        if QuestionnaireSection.objects.filter(campaign=campaign).exists():
            continue
        for s_order, s_data in enumerate(QUESTIONNAIRE_2018, start=1):
            section = QuestionnaireSection.objects.create(
                campaign=campaign, slug=s_data["slug"], title=s_data["title"], order=s_order * 10
            )
            for q_order, q_data in enumerate(s_data["questions"], start=1):
                question = _question(Question, section, q_data, q_order * 10)
                question.save()
                Question.objects.bulk_create(
                    _question(Question, section, c_data, c_order * 10, parent=question)
                    for c_order, c_data in enumerate(q_data.get("columns", []), start=1)
                )


def questionnaire_from_data(apps, schema_editor):
    # The questions go back to code; the answers were never touched.
    apps.get_model("members", "QuestionnaireSection").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0008_questionnaire_models")]

    operations = [migrations.RunPython(questionnaire_to_data, questionnaire_from_data)]
