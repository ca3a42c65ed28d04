"""Maintenance tools for the course: executing notebooks for the book, and the student edition."""
