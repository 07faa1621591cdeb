from django.apps import AppConfig


class LedgerImportConfig(AppConfig):
    name = "xinfang.ledger_import"
    label = "ledger_import"
    verbose_name = "台账导入"
