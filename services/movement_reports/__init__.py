"""Reports of the volunteer movement: per region and per squad, volunteers registered and
approved, the course attendance rate, certificates issued, schools with and without a squad;
an XLSX workbook and a PNG chart. Aggregates only: the cost does not grow with the people.

It stores nothing of anyone, so its hooks are empty."""

from services.hooks import Hooks

HOOKS = Hooks()
