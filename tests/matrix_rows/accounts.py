"""Role-matrix rows for the account pages every logged-in person has: the list of their own sessions
(allauth's usersessions; the other account_ and mfa_ pages are allauth's and outside the matrix)."""

from tests.matrix import LOGIN, ROLES, Row, expect, url

EVERYONE_LOGGED_IN = expect(**{role: (LOGIN if role == "anonymous" else 200) for role in ROLES})

ROWS = {
    "usersessions_list": Row(url("usersessions_list"), EVERYONE_LOGGED_IN),
}
