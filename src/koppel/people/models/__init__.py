from koppel.people.models.people import Guardian, Guardianship, Interest, Mentor, Youth

__all__ = ["Guardian", "Guardianship", "Interest", "Mentor", "Youth"]
