from koppel.privacy.models.coming_of_age import ComingOfAge, OwnConfirmation
from koppel.privacy.models.ledger import ErasureLedgerEntry

__all__ = ["ComingOfAge", "ErasureLedgerEntry", "OwnConfirmation"]
