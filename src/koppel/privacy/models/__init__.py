from koppel.privacy.models.access import AccessRequest, AccessStatus
from koppel.privacy.models.ledger import ErasureLedgerEntry

__all__ = ["AccessRequest", "AccessStatus", "ErasureLedgerEntry"]
