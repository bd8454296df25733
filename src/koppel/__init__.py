"""Koppel: youth-mentoring programmes, from application to follow-up."""
