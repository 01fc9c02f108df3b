from ledger import apps as ledger  # the module, so that Django finds this app's one AppConfig


class PlacesConfig(ledger.LedgerAppConfig):
    name = "places"
    verbose_name = "重点场所"
    ledgers = (ledger.LedgerSpec("KeyPlace", "重点场所", "places:place_list", "bi-geo-alt", order=55),)
