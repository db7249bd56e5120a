"""Organisations (a library system, an NGO, a college) that run circles together: public page, members, invitations."""
