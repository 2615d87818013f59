"""Every table: one module per feature. Importing the package imports them all, so
`Base.metadata` (which Alembic reads) is complete without a list that each feature edits."""

import importlib
import pkgutil

from storage.base import Base

for _module in pkgutil.iter_modules(__path__, f"{__name__}."):
    importlib.import_module(_module.name)

__all__ = ["Base"]
