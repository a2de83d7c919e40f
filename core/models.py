from django.db import models


class DatabaseIdentity(models.Model):
    """One row, made with the database: a random token that tells this database from any other,
    a restored copy of it included (the copy's has another name). The cache keys its entries
    on it (``core.cache.database_identity``), so two databases on one Redis never share one."""

    token = models.CharField(max_length=32, unique=True)

    class Meta:
        verbose_name_plural = "database identity"

    def __str__(self) -> str:
        return self.token
