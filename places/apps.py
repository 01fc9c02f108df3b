from ledger import apps as ledger  # the module, so that Django finds this app's one AppConfig


class PlacesConfig(ledger.LedgerAppConfig):
    name = "places"
    verbose_name = "重点场所"
    ledgers = (ledger.LedgerSpec("KeyPlace", "重点场所", "places:place_list", "bi-geo-alt", order=55),)

    def ready_extra(self) -> None:
        from sanzero.registry import register_home_task

        from .views import inspection_home_task

        register_home_task(inspection_home_task)
