"""Model fields shared by the apps."""

from django.core.validators import MaxLengthValidator
from django.db import models


class BoundedTextField(models.TextField):
    """A TextField whose ``max_length`` is enforced by ``full_clean`` too, not only by the form
    (Django's TextField only passes it to the widget). Every free text a person types has one:
    a 4.5 MB address must be refused, not stored and rendered into a PDF."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))
