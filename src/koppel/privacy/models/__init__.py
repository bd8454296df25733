from koppel.privacy.models.access import AccessRequest, AccessStatus
from koppel.privacy.models.coming_of_age import ComingOfAge, OwnConfirmation
from koppel.privacy.models.ledger import ErasureLedgerEntry
from koppel.privacy.models.retention import RetentionOverride, RetentionPreviewItem, RetentionRun

__all__ = [
    "AccessRequest",
    "AccessStatus",
    "ComingOfAge",
    "ErasureLedgerEntry",
    "OwnConfirmation",
    "RetentionOverride",
    "RetentionPreviewItem",
    "RetentionRun",
]
