from koppel.privacy.models.ledger import ErasureLedgerEntry
from koppel.privacy.models.retention import RetentionOverride, RetentionPreviewItem, RetentionRun

__all__ = ["ErasureLedgerEntry", "RetentionOverride", "RetentionPreviewItem", "RetentionRun"]
