from koppel.privacy.models.access import AccessRequest, AccessStatus
from koppel.privacy.models.coming_of_age import ComingOfAge, OwnConfirmation
from koppel.privacy.models.ledger import ErasureLedgerEntry

__all__ = ["AccessRequest", "AccessStatus", "ComingOfAge", "ErasureLedgerEntry", "OwnConfirmation"]
