"""On a phone (< 768 px) a ledger list shows the deadline, the column that opens the entry and the
status (ledger.tables.PHONE_COLUMNS); the others carry the wide-only class. Columns declared with one
shared attrs dict (petitions' and persons' NOWRAP) keep their own classes."""

import pytest

from ledger.tables import WIDE_ONLY
from persons.tables import KeyPersonTable
from petitions.tables import PetitionTable

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("table_class", "link"), [(PetitionTable, "received_on"), (KeyPersonTable, "name")])
def test_the_link_column_shows_on_a_phone_and_the_rest_are_wide_only(table_class, link):
    for _ in range(2):  # a second table of the same class starts from the declared classes again
        table = table_class(table_class._meta.model.objects.none(), selectable=True)
        classes = {b.name: b.column.attrs.get("td", {}).get("class", "") for b in table.columns}
        assert WIDE_ONLY not in classes[link] and WIDE_ONLY not in classes["status"], classes
        assert WIDE_ONLY not in classes["mark"]
        wide = [name for name, css in classes.items() if WIDE_ONLY in css]
        assert wide and all(css.count("d-none") == 1 for name, css in classes.items() if name in wide), classes
