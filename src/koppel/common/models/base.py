from django.db import models
from django.utils.translation import gettext_lazy as _


class KoppelModel(models.Model):
    """Base of every Koppel row: timestamps, and a version for optimistic locking.

    `version` goes up by one on every change made through a domain function; an edit form carries
    the version it was loaded with, so two people editing the same thing never silently overwrite
    each other (see koppel.common.domain.versioning).
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True
