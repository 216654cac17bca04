"""Grading: expected outputs from trusted code, strict comparison, requirements, feedback,
redaction of hidden cases, result objects, and grading many submissions into a gradebook.

It returns plain results; it never prints (that is grader.reporters).
"""
