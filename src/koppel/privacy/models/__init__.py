from koppel.privacy.models.ledger import ErasureLedgerEntry

__all__ = ["ErasureLedgerEntry"]
