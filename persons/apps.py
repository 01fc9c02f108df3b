from ledger import apps as ledger  # the module, so that Django finds this app's one AppConfig
from sanzero.roles import EDIT_ROLES, Role

#: the role table of 重点人员: no view for 行业主管部门 (persons.models explains who sees whom)
PERSON_PERMISSIONS = {
    "view": frozenset({Role.ADMIN, Role.COUNTY, Role.CLERK, Role.GRID}),
    "add": EDIT_ROLES,
    "change": EDIT_ROLES,
}


class PersonsConfig(ledger.LedgerAppConfig):
    name = "persons"
    verbose_name = "重点人员"
    ledgers = (
        ledger.LedgerSpec(
            "KeyPerson",
            "重点人员",
            "persons:person_list",
            "bi-person-exclamation",
            order=54,
            permissions=PERSON_PERMISSIONS,
        ),
    )

    def ready_extra(self) -> None:
        from sanzero.registry import register_home_task

        from .views import visit_home_task

        register_home_task(visit_home_task)
