"""Subscribers get a token of their own for unsubscribing (issue 16, finding 7): the one in every
email and List-Unsubscribe header must not confirm a subscription.

Confirmed subscribers received emails whose unsubscribe links carry the old token: it becomes their
unsubscribe token (those links keep working) and their confirmation token is replaced (it is used
up). Unconfirmed ones keep their confirmation link and get a new unsubscribe token.
"""

import secrets

from django.db import migrations, models

import publications.models


def fill_unsubscribe_tokens(apps, schema_editor):
    Subscriber = apps.get_model("publications", "Subscriber")
    for pk, token, confirmed_at in Subscriber.objects.filter(unsubscribe_token__isnull=True).values_list(
        "pk", "token", "confirmed_at"
    ):
        if confirmed_at is None:
            fields = {"unsubscribe_token": secrets.token_urlsafe(32)}
        else:
            fields = {"unsubscribe_token": token, "token": secrets.token_urlsafe(32)}
        Subscriber.objects.filter(pk=pk).update(**fields)


class Migration(migrations.Migration):
    dependencies = [("publications", "0011_french_labels")]

    operations = [
        migrations.AddField(
            model_name="subscriber",
            name="unsubscribe_token",
            field=models.CharField(
                editable=False, max_length=64, null=True, verbose_name="jeton de désinscription"
            ),
        ),
        migrations.RunPython(fill_unsubscribe_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="subscriber",
            name="unsubscribe_token",
            field=models.CharField(
                default=publications.models.new_token,
                editable=False,
                max_length=64,
                unique=True,
                verbose_name="jeton de désinscription",
            ),
        ),
        migrations.AlterField(
            model_name="subscriber",
            name="token",
            field=models.CharField(
                editable=False, max_length=64, unique=True, verbose_name="jeton de confirmation"
            ),
        ),
    ]
