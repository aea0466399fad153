"""Review tests: the sims register their task checks when imported. create_app loads the lessons
before it imports the sims, so a run of only these tests imports them first (see the report).
Narrations are rows (workshop.storage): the shared conftest empties them with every table."""
from workshop.sims import discover

discover()
